import type { DayHistogram } from '@retain/schemas';

export interface HistogramRow {
  [key: string]: string | number | null;
  label: string;
  from: number;
  to: number | null;
  count: number;
  share: number;
}

/** "0", "1–7", "366+": a day bin as an axis label. */
export function binLabel(bin: { from: number; to: number | null }): string {
  if (bin.to === null) return `${bin.from}+`;
  return bin.from === bin.to ? String(bin.from) : `${bin.from}–${bin.to}`;
}

/** Bins as chart rows, each with its share of the total. */
export function histogramRows(histogram: DayHistogram): HistogramRow[] {
  const total = histogram.bins.reduce((n, b) => n + b.count, 0);
  return histogram.bins.map((b) => ({
    label: binLabel(b),
    from: b.from,
    to: b.to,
    count: b.count,
    share: total === 0 ? 0 : b.count / total,
  }));
}

/** The label of the bin the median falls in: where the chart draws its median marker. */
export function medianBin(histogram: DayHistogram): string | null {
  const { median } = histogram;
  if (median === null) return null;
  const bin = histogram.bins.find((b) => median >= b.from && (b.to === null || median <= b.to));
  return bin ? binLabel(bin) : null;
}
