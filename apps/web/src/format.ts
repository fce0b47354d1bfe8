/*
 * Numbers and dates as the reader's locale writes them, with one rule per kind of number across the
 * product: counts whole, shares as a percentage with one decimal (13.0%, 13.1%), money in whole
 * units of the data's currency ($8,918), other decimals to at most two places. Formatters are built
 * once: constructing an Intl formatter costs far more than using one, and tables call these for
 * every cell.
 *
 * Each number formatter says how many decimals of the raw value it shows (`decimals`), so that a
 * CSV can hold the value exactly as the table shows it (a share of 12.3% is 0.123 in the file).
 */
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const points = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const signedInteger = new Intl.NumberFormat(undefined, {
  maximumFractionDigits: 0,
  signDisplay: 'exceptZero',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

const DASH = '—';

/** A number formatter that also says how many decimals of the value it shows. */
export interface NumberFormatter {
  (value: number | null | undefined): string;
  /** Decimal places of the raw value the text shows (a share shown as 12.3% shows three). */
  readonly decimals: number;
}

function numberFormatter(decimals: number, format: (value: number) => string): NumberFormatter {
  const formatter = (value: number | null | undefined) =>
    value === null || value === undefined || !Number.isFinite(value) ? DASH : format(value);
  return Object.assign(formatter, { decimals });
}

/** A count: 12,345. */
export const formatInteger = numberFormatter(0, (v) => integer.format(v));

/** A ratio such as orders per customer, to at most two places: 1.25. */
export const formatDecimal = numberFormatter(2, (v) => decimal.format(v));

/** A share (0.123 → "12.3%"), always with one decimal. */
export const formatPercent = numberFormatter(3, (v) => percent.format(v));

/*
 * Money is in the data's currency, which the server says (info.get: RETAIN_CURRENCY, else the
 * currency stored with the data, else US dollars). Until it has said, amounts have no symbol.
 */
let currency: string | null = null;
let money = moneyFormat(null);

function moneyFormat(code: string | null): Intl.NumberFormat {
  return new Intl.NumberFormat(undefined, {
    ...(code ? { style: 'currency', currency: code } : {}),
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  });
}

/** Sets the currency money is written in (an ISO 4217 code such as "EUR"). */
export function setMoneyCurrency(code: string | null): void {
  if (code === currency) return;
  currency = code;
  money = moneyFormat(code);
}

/** The currency money is written in, e.g. for a column header ("Revenue (EUR)"). */
export function moneyCurrency(): string | null {
  return currency;
}

/** An amount in whole units of the data's currency: $8,918. */
export const formatMoney = numberFormatter(0, (v) => money.format(v));

/** A column header or label for an amount: "Revenue (EUR)", or "Revenue" before the currency is known. */
export function moneyLabel(label: string): string {
  return currency ? `${label} (${currency})` : label;
}

/** The size of a difference of shares in points, without sign (0.2969 → "29.7 points"). */
export function formatPointsApart(delta: number): string {
  return `${points.format(Math.abs(delta) * 100).replace(/^[+-]/, '')} points`;
}

/** A difference of shares in percentage points (0.021 → "+2.1 pp"). */
export function formatPoints(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return DASH;
  return `${points.format(delta * 100)} pp`;
}

export const formatSignedInteger = numberFormatter(0, (v) => signedInteger.format(v));

function utcDate(iso: string): Date {
  return new Date(iso.length <= 10 ? `${iso}T00:00:00Z` : `${iso.replace(' ', 'T').replace(/Z?$/, 'Z')}`);
}

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = utcDate(iso.slice(0, 10));
  return Number.isNaN(date.getTime()) ? iso : dayFormat.format(date);
}

export function formatDayTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = utcDate(iso);
  return Number.isNaN(date.getTime()) ? iso : dayTimeFormat.format(date);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${integer.format(bytes)} B`;
  if (bytes < 1024 ** 2) return `${decimal.format(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${decimal.format(bytes / 1024 ** 2)} MB`;
  return `${decimal.format(bytes / 1024 ** 3)} GB`;
}
