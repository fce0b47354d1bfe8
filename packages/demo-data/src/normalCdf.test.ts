import { describe, expect, it } from 'vitest';
import { normalCdf } from './normalCdf.ts';

describe('normalCdf', () => {
  it('matches tabulated values of the standard normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447461, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249978952, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
  });
});
