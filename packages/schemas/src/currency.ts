import { z } from 'zod';

/*
 * The currency of the amounts in the warehouse. Order values, returns and value at risk are plain
 * numbers in the exports; which currency they are in is said by the server's setting
 * (RETAIN_CURRENCY), else by the data (stored when it was loaded), else it is the default.
 */

/** The environment variable that sets the currency, e.g. RETAIN_CURRENCY=EUR. */
export const CURRENCY_VARIABLE = 'RETAIN_CURRENCY';

/** Without a setting or a currency stored with the data, amounts are taken to be US dollars. */
export const DEFAULT_CURRENCY = 'USD';

/** Where the currency in use came from. */
export const CURRENCY_SOURCES = ['setting', 'data', 'default'] as const;
export type CurrencySource = (typeof CURRENCY_SOURCES)[number];

const known = (): readonly string[] | null => {
  const intl = Intl as { supportedValuesOf?: (key: 'currency') => string[] };
  return intl.supportedValuesOf ? intl.supportedValuesOf('currency') : null;
};

/** An ISO 4217 code this runtime can format ("EUR"; "eur" and "EUD" are not). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return known()?.includes(code) ?? true;
}

export const currencyCodeSchema = z
  .string()
  .refine(isCurrencyCode, { message: 'not an ISO 4217 currency code such as EUR, USD or GBP' });

export const currencySchema = z.object({
  /** ISO 4217, e.g. "EUR". */
  code: currencyCodeSchema,
  source: z.enum(CURRENCY_SOURCES),
});
export type Currency = z.infer<typeof currencySchema>;

/**
 * The value of RETAIN_CURRENCY: undefined when unset or empty, the code in capitals ("eur" is
 * EUR), or an error that says what is wrong with it.
 */
export function parseCurrencySetting(raw: string | undefined): string | undefined {
  const value = raw?.trim().toUpperCase();
  if (!value) return undefined;
  if (!isCurrencyCode(value))
    throw new Error(`"${raw}" is not an ISO 4217 currency code such as EUR, USD or GBP`);
  return value;
}

/** The currency in use: the setting wins over what the data says, and either over the default. */
export function resolveCurrency(
  setting: string | null | undefined,
  stored: string | null | undefined,
): Currency {
  if (setting) return { code: setting, source: 'setting' };
  if (stored && isCurrencyCode(stored)) return { code: stored, source: 'data' };
  return { code: DEFAULT_CURRENCY, source: 'default' };
}

/** How a currency is described where it is shown: "EUR (set by RETAIN_CURRENCY)". */
export function describeCurrency(currency: Currency): string {
  const from =
    currency.source === 'setting'
      ? `set by ${CURRENCY_VARIABLE}`
      : currency.source === 'data'
        ? 'stored with the data'
        : `the default; set ${CURRENCY_VARIABLE} to change it`;
  return `${currency.code} (${from})`;
}
