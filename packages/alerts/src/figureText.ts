import type { AlertMetricKind } from '@retain/schemas';

/**
 * Figures written as the dashboard and the CLI write them, in a fixed locale (an alert is read in
 * a chat or a mail, not in the reader's browser): counts whole, shares with one decimal, money in
 * whole units of the data's currency, days to two places.
 */
export interface FigureText {
  value(kind: AlertMetricKind, value: number | null): string;
  /** A change: percentage points for shares, else the figure's unit, signed. */
  change(kind: AlertMetricKind, delta: number | null): string;
}

export function figureText(currency: string): FigureText {
  const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat('en-US', {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const points = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const money = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  });
  const signed = (text: string, v: number) => (v > 0 ? `+${text}` : v < 0 ? `−${text}` : text);
  return {
    value(kind, v) {
      if (v === null || !Number.isFinite(v)) return '–';
      if (kind === 'share') return percent.format(v);
      if (kind === 'money') return money.format(v);
      if (kind === 'days') return `${decimal.format(v)} d`;
      return whole.format(v);
    },
    change(kind, d) {
      if (d === null || !Number.isFinite(d)) return '–';
      if (kind === 'share') return `${points.format(d * 100).replace('-', '−')} pt`;
      if (kind === 'money') return signed(money.format(Math.abs(d)), d);
      if (kind === 'days') return signed(`${decimal.format(Math.abs(d))} d`, d);
      return signed(whole.format(Math.abs(d)), d);
    },
  };
}
