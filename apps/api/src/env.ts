import { CURRENCY_VARIABLE, parseCurrencySetting } from '@retain/schemas';

function readCurrency(): string | undefined {
  try {
    return parseCurrencySetting(process.env[CURRENCY_VARIABLE]);
  } catch (error) {
    throw new Error(
      `environment variable ${CURRENCY_VARIABLE}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/** The API's environment, read once and validated. */
export const apiEnv = {
  /** RETAIN_CURRENCY: the currency of the data's amounts, over what the data says. */
  currency: readCurrency(),
};
