/*
 * Numbers and dates as the reader's locale writes them. Formatters are built once: constructing an
 * Intl formatter costs far more than using one, and tables call these for every cell.
 */
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const percentFine = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 });
const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0, minimumFractionDigits: 0 });
const points = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const signedInteger = new Intl.NumberFormat(undefined, {
  maximumFractionDigits: 0,
  signDisplay: 'exceptZero',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

const DASH = '—';

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : integer.format(value);
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : decimal.format(value);
}

export function formatCompact(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : compact.format(value);
}

/** A share (0.123 → "12.3%"). */
export function formatPercent(value: number | null | undefined, fine = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return (fine ? percentFine : percent).format(value);
}

/** Money without a currency symbol: the warehouse does not know the shop's currency. */
export function formatMoney(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : money.format(value);
}

/** A difference of shares in percentage points (0.021 → "+2.1 pp"). */
/** The size of a difference of shares in points, without sign (0.2969 → "29.7 points"). */
export function formatPointsApart(delta: number): string {
  return `${points.format(Math.abs(delta) * 100).replace(/^[+-]/, '')} points`;
}

export function formatPoints(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return DASH;
  return `${points.format(delta * 100)} pp`;
}

export function formatSignedInteger(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? DASH
    : signedInteger.format(value);
}

function utcDate(iso: string): Date {
  return new Date(iso.length <= 10 ? `${iso}T00:00:00Z` : `${iso.replace(' ', 'T').replace(/Z?$/, 'Z')}`);
}

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = utcDate(iso.slice(0, 10));
  return Number.isNaN(date.getTime()) ? iso : dayFormat.format(date);
}

export function formatDayTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = utcDate(iso);
  return Number.isNaN(date.getTime()) ? iso : dayTimeFormat.format(date);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${integer.format(bytes)} B`;
  if (bytes < 1024 ** 2) return `${decimal.format(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${decimal.format(bytes / 1024 ** 2)} MB`;
  return `${decimal.format(bytes / 1024 ** 3)} GB`;
}
