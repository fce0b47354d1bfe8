import { describe, expect, it } from 'vitest';
import { sparklinePath } from './sparkline.ts';

describe('sparklinePath', () => {
  it('scales values into the box, highest at the top', () => {
    expect(sparklinePath([0, 10], 104, 24)).toBe('M2.0 22.0L102.0 2.0');
  });
  it('breaks the line at gaps and centres a flat series', () => {
    expect(sparklinePath([1, null, 1], 104, 24)).toBe('M2.0 12.0M102.0 12.0');
    expect(sparklinePath([null, null], 104, 24)).toBe('');
  });
});
