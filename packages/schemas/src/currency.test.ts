import { describe, expect, it } from 'vitest';
import { describeCurrency, isCurrencyCode, parseCurrencySetting, resolveCurrency } from './currency.ts';

describe('currency', () => {
  it('takes ISO 4217 codes only', () => {
    expect(['EUR', 'USD', 'GBP', 'JPY', 'CHF'].every(isCurrencyCode)).toBe(true);
    expect(['eur', 'EURO', 'E1R', '', '€'].some(isCurrencyCode)).toBe(false);
  });

  it('reads RETAIN_CURRENCY in any case, unset when empty, and says what is wrong', () => {
    expect(parseCurrencySetting(' eur ')).toBe('EUR');
    expect(parseCurrencySetting('')).toBeUndefined();
    expect(parseCurrencySetting(undefined)).toBeUndefined();
    expect(() => parseCurrencySetting('euro')).toThrow('"euro" is not an ISO 4217 currency code');
  });

  it('prefers the setting to the data, and the data to the default', () => {
    expect(resolveCurrency('EUR', 'GBP')).toEqual({ code: 'EUR', source: 'setting' });
    expect(resolveCurrency(undefined, 'GBP')).toEqual({ code: 'GBP', source: 'data' });
    expect(resolveCurrency(undefined, 'nonsense')).toEqual({ code: 'USD', source: 'default' });
    expect(describeCurrency({ code: 'USD', source: 'default' })).toBe(
      'USD (the default; set RETAIN_CURRENCY to change it)',
    );
  });
});
