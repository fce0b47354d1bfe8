import { describe, expect, it } from 'vitest';
import { formatMoneyIn } from './money.ts';

describe('money on the command line', () => {
  it('is written in whole units of the data’s currency, as on the dashboard', () => {
    expect(formatMoneyIn('USD')(8917.6)).toBe('$8,918');
    expect(formatMoneyIn('EUR')(1234)).toBe('€1,234');
    expect(formatMoneyIn('GBP')(-5)).toBe('-£5');
    expect(formatMoneyIn('USD')(null)).toBe('–');
  });
});
