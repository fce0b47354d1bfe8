import { afterEach, describe, expect, it } from 'vitest';
import {
  formatDecimal,
  formatInteger,
  formatMoney,
  formatPercent,
  formatPoints,
  moneyCurrency,
  moneyLabel,
  setMoneyCurrency,
} from './format.ts';

// The formatters follow the reader's locale; the test runs as en-US.
afterEach(() => setMoneyCurrency(null));

describe('number formats', () => {
  it('writes every share with one decimal, so 13% never stands beside 13.1%', () => {
    expect(formatPercent(0.13)).toBe('13.0%');
    expect(formatPercent(0.131)).toBe('13.1%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.12345)).toBe('12.3%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPoints(0.02)).toBe('+2.0 pp');
  });

  it('says how many decimals of the value each format shows, for CSV files', () => {
    expect(formatPercent.decimals).toBe(3);
    expect(formatInteger.decimals).toBe(0);
    expect(formatDecimal.decimals).toBe(2);
    expect(formatMoney.decimals).toBe(0);
  });

  it('writes money in whole units of the data’s currency, once the server has said which', () => {
    expect(formatMoney(8918.4)).toBe('8,918');
    expect(moneyLabel('Revenue')).toBe('Revenue');
    setMoneyCurrency('USD');
    expect(formatMoney(8918.4)).toBe('$8,918');
    expect(formatMoney(-12)).toBe('-$12');
    setMoneyCurrency('EUR');
    expect(formatMoney(8918.5)).toBe('€8,919');
    expect(moneyCurrency()).toBe('EUR');
    expect(moneyLabel('Revenue')).toBe('Revenue (EUR)');
    expect(formatMoney(undefined)).toBe('—');
  });
});
