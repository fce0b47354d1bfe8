import { describe, expect, it } from 'vitest';
import { contrastRatio, heatColors, heatScaleMax, rampColor } from './heatScale.ts';

const parse = (css: string) => (css.match(/\d+/g) ?? []).map(Number) as unknown as [number, number, number];
const hex = (c: string): [number, number, number] => (c === '#000' ? [0, 0, 0] : [255, 255, 255]);

describe('heat scale', () => {
  it('keeps every cell’s text at AA contrast in both themes', () => {
    for (const scheme of ['light', 'dark'] as const)
      for (let t = 0; t <= 1.0001; t += 0.05) {
        const { background, color } = heatColors(t, scheme);
        expect(contrastRatio(parse(background), hex(color))).toBeGreaterThanOrEqual(4.5);
      }
  });

  it('clamps out-of-range values to the ends of the ramp', () => {
    expect(rampColor(-1, 'light')).toEqual(rampColor(0, 'light'));
    expect(rampColor(7, 'dark')).toEqual(rampColor(1, 'dark'));
  });

  it('scales to the largest value after offset 0', () => {
    expect(heatScaleMax([{ values: [1, 0.3, 0.2] }, { values: [1, 0.45, null] }])).toBe(0.45);
    expect(heatScaleMax([{ values: [1] }])).toBe(1);
    expect(heatScaleMax([])).toBe(1);
  });
});
