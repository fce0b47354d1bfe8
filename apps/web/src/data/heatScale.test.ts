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

  it('fades a value so far towards the card, keeping its text readable', () => {
    for (const scheme of ['light', 'dark'] as const)
      for (let t = 0; t <= 1.0001; t += 0.05) {
        const final = heatColors(t, scheme);
        const soFar = heatColors(t, scheme, { incomplete: true });
        expect(contrastRatio(parse(soFar.background), hex(soFar.color))).toBeGreaterThanOrEqual(4.5);
        if (t > 0.2) expect(soFar.background).not.toBe(final.background);
      }
    // Lighter on a light page, darker on a dark one: closer to the card either way.
    const card = { light: [255, 255, 255], dark: [22, 27, 34] } as const;
    for (const scheme of ['light', 'dark'] as const) {
      const distance = (css: string) =>
        parse(css).reduce((sum, c, i) => sum + Math.abs(c - (card[scheme][i] ?? 0)), 0);
      expect(distance(heatColors(0.8, scheme, { incomplete: true }).background)).toBeLessThan(
        distance(heatColors(0.8, scheme).background) / 2,
      );
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
    // A value so far does not set the scale.
    expect(heatScaleMax([{ values: [1, 0.3, 0.9], complete: [true, true, false] }])).toBe(0.3);
  });
});
