/*
 * The heatmap's colour scale: a single-hue ramp (light to dark teal on a light page, dark to bright
 * teal on a dark one), with each cell's text black or white, whichever contrasts more. With pure
 * black and white one of the two always reaches at least 4.58:1, so every cell is readable (WCAG AA).
 */
type Rgb = readonly [number, number, number];

const RAMPS: Record<'light' | 'dark', readonly [Rgb, Rgb]> = {
  light: [
    [240, 249, 247],
    [13, 84, 79],
  ],
  dark: [
    [24, 36, 42],
    [110, 231, 212],
  ],
};

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export function rampColor(t: number, scheme: 'light' | 'dark'): Rgb {
  const [from, to] = RAMPS[scheme];
  return mix(from, to, Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)));
}

const css = ([r, g, b]: Rgb) => `rgb(${r} ${g} ${b})`;

export interface HeatColors {
  background: string;
  color: string;
}

/** The card behind the heatmap (--panel), which an incomplete cell's colour is faded towards. */
const PANEL: Record<'light' | 'dark', Rgb> = { light: [255, 255, 255], dark: [22, 27, 34] };

/** How far an incomplete cell's colour is faded towards the card: clearly lighter than a final one. */
export const INCOMPLETE_FADE = 0.6;

/**
 * A cell's background and text colours. An incomplete cell (its period is not over: a value so
 * far) is faded towards the card, so that it never reads as a final value of the same size.
 */
export function heatColors(
  t: number,
  scheme: 'light' | 'dark',
  options: { incomplete?: boolean } = {},
): HeatColors {
  const full = rampColor(t, scheme);
  const bg = options.incomplete ? mix(full, PANEL[scheme], INCOMPLETE_FADE) : full;
  const black: Rgb = [0, 0, 0];
  const white: Rgb = [255, 255, 255];
  return {
    background: css(bg),
    color: contrastRatio(bg, black) >= contrastRatio(bg, white) ? '#000' : '#fff',
  };
}

function mix(from: Rgb, to: Rgb, k: number): Rgb {
  return [0, 1, 2].map((i) =>
    Math.round((from[i] ?? 0) + ((to[i] ?? 0) - (from[i] ?? 0)) * k),
  ) as unknown as Rgb;
}

/** The ramp as a CSS gradient, for the legend. */
export function rampGradient(scheme: 'light' | 'dark'): string {
  return `linear-gradient(to right, ${css(rampColor(0, scheme))}, ${css(rampColor(1, scheme))})`;
}

/**
 * The value the darkest colour stands for: the largest final value after the first offset. Offset
 * 0 is 100 % by definition for retention and would otherwise wash out every later cell; it is
 * clamped. Values so far (`complete` false) do not set the scale.
 */
export function heatScaleMax(
  rows: readonly { values: readonly (number | null)[]; complete?: readonly boolean[] }[],
): number {
  let max = 0;
  for (const row of rows)
    row.values.forEach((v, offset) => {
      if (offset > 0 && v !== null && v > max && row.complete?.[offset] !== false) max = v;
    });
  if (max === 0) for (const row of rows) for (const v of row.values) if (v !== null && v > max) max = v;
  return max || 1;
}
