import { monthOfDay, yearPhase } from '../dates.ts';

/**
 * The columns the feature query returns for each customer and snapshot, all from data before the
 * snapshot's end. NaN stands for SQL NULL (e.g. no complaint yet).
 */
export const RAW_COLUMNS = [
  's_day',
  'first_day',
  'recency_days',
  'tenure_days',
  'frequency',
  'monetary_total',
  'orders_30',
  'orders_90',
  'orders_180',
  'orders_365',
  'orders_prev_90',
  'gap_mean_days',
  'gap_std_days',
  'revenue_365',
  'complaints_total',
  'complaints_90',
  'complaints_365',
  'days_since_complaint',
  'complaints_unresolved',
  'open_complaint_days',
  'mean_resolution_days',
  'slow_resolutions_365',
  'max_severity',
  'returns_total',
  'returns_180',
  'returned_value',
  'days_since_return',
] as const;
export type RawColumn = (typeof RAW_COLUMNS)[number];
export type RawColumns = Record<RawColumn, Float64Array>;

/** Features are grouped by what a retention agent would say about them; a reason names one group. */
export const REASON_GROUPS = [
  'recency',
  'activity',
  'frequency',
  'tenure',
  'spend',
  'complaints',
  'returns',
  'channel',
  'region',
] as const;
export type ReasonGroup = (typeof REASON_GROUPS)[number];

export interface FeatureDefinition {
  name: string;
  /** null: a calendar feature, the same for every customer at one date, so never a reason. */
  group: ReasonGroup | null;
  description: string;
  /**
   * Binds the definition to a table's columns once and returns the value of row i. Binding first
   * keeps the per-row call a plain typed-array read (a million customers × thirty features).
   */
  bind: (raw: RawColumns) => (i: number) => number;
}

/** Days without an event are read as this many (ten years): "long ago". */
export const NEVER_DAYS = 3650;

const log1p = (v: number) => Math.log1p(v > 0 ? v : 0);
const days = (v: number) => (Number.isNaN(v) ? NEVER_DAYS : Math.min(NEVER_DAYS, Math.max(0, v)));
const orZero = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 0 : v);

/** The usual gap between orders; for a one-order customer the time since that order is a lower bound. */
export function usualGapDays(raw: RawColumns, i: number): number {
  const gap = raw.gap_mean_days[i] ?? Number.NaN;
  return Number.isNaN(gap) ? Math.max(1, raw.tenure_days[i] ?? 1) : Math.max(1, gap);
}

/** log(1 + column), NaN read as 0. */
function logOf(column: RawColumn): FeatureDefinition['bind'] {
  return (raw) => {
    const values = raw[column];
    return (i) => log1p(orZero(values[i]));
  };
}

/** log(1 + days since), "never" read as NEVER_DAYS. */
function logDaysOf(column: RawColumn): FeatureDefinition['bind'] {
  return (raw) => {
    const values = raw[column];
    return (i) => log1p(days(values[i] ?? Number.NaN));
  };
}

const numericFeatures: FeatureDefinition[] = [
  {
    name: 'recency_days',
    group: 'recency',
    description: 'days since the last order (log)',
    bind: logOf('recency_days'),
  },
  {
    name: 'gap_mean_days',
    group: 'recency',
    description: 'mean days between orders (log; one-order customers: days since that order)',
    bind: (raw) => (i) => log1p(usualGapDays(raw, i)),
  },
  {
    name: 'gap_std_days',
    group: 'recency',
    description: 'spread of the days between orders (log; 0 with fewer than 3 orders)',
    bind: logOf('gap_std_days'),
  },
  {
    name: 'overdue_ratio',
    group: 'recency',
    description: 'days since the last order / usual gap (log)',
    bind: (raw) => {
      const recency = raw.recency_days;
      return (i) => log1p(Math.min(100, orZero(recency[i]) / usualGapDays(raw, i)));
    },
  },
  { name: 'frequency', group: 'frequency', description: 'orders so far (log)', bind: logOf('frequency') },
  {
    name: 'tenure_days',
    group: 'tenure',
    description: 'days since the first order (log)',
    bind: logOf('tenure_days'),
  },
  {
    name: 'monetary_total',
    group: 'spend',
    description: 'total order value (log)',
    bind: logOf('monetary_total'),
  },
  {
    name: 'mean_order_value',
    group: 'spend',
    description: 'mean order value (log)',
    bind: (raw) => {
      const total = raw.monetary_total;
      const orders = raw.frequency;
      return (i) => log1p(orZero(total[i]) / Math.max(1, orZero(orders[i])));
    },
  },
  ...([30, 90, 180, 365] as const).map(
    (window): FeatureDefinition => ({
      name: `orders_${window}`,
      group: 'activity',
      description: `orders in the last ${window} days (log)`,
      bind: logOf(`orders_${window}`),
    }),
  ),
  {
    name: 'trend_90',
    group: 'activity',
    description: 'ln((orders in the last 90 days + 1) / (orders in the 90 days before + 1))',
    bind: (raw) => {
      const last = raw.orders_90;
      const before = raw.orders_prev_90;
      return (i) => Math.log((orZero(last[i]) + 1) / (orZero(before[i]) + 1));
    },
  },
  {
    name: 'complaints_total',
    group: 'complaints',
    description: 'complaints so far (log)',
    bind: logOf('complaints_total'),
  },
  {
    name: 'complaints_90',
    group: 'complaints',
    description: 'complaints in the last 90 days (log)',
    bind: logOf('complaints_90'),
  },
  {
    name: 'complaints_365',
    group: 'complaints',
    description: 'complaints in the last 365 days (log)',
    bind: logOf('complaints_365'),
  },
  {
    name: 'days_since_complaint',
    group: 'complaints',
    description: 'days since the last complaint (log; none: 3650)',
    bind: logDaysOf('days_since_complaint'),
  },
  {
    name: 'complaints_unresolved',
    group: 'complaints',
    description: 'complaints still open at the snapshot (log)',
    bind: logOf('complaints_unresolved'),
  },
  {
    name: 'open_complaint_days',
    group: 'complaints',
    description: 'days the oldest open complaint has been open (log; none: 0)',
    bind: logOf('open_complaint_days'),
  },
  {
    name: 'mean_resolution_days',
    group: 'complaints',
    description: 'mean days to resolve a complaint (log; none resolved: 0)',
    bind: logOf('mean_resolution_days'),
  },
  {
    name: 'slow_resolutions_365',
    group: 'complaints',
    description: 'complaints of the last 365 days that took more than 7 days to resolve (log)',
    bind: logOf('slow_resolutions_365'),
  },
  {
    name: 'max_severity',
    group: 'complaints',
    description: 'highest complaint severity (none: 0)',
    bind: (raw) => {
      const severity = raw.max_severity;
      return (i) => orZero(severity[i]);
    },
  },
  {
    name: 'returns_total',
    group: 'returns',
    description: 'returns so far (log)',
    bind: logOf('returns_total'),
  },
  {
    name: 'returns_180',
    group: 'returns',
    description: 'returns in the last 180 days (log)',
    bind: logOf('returns_180'),
  },
  {
    name: 'return_value_share',
    group: 'returns',
    description: 'returned value / order value, capped at 1',
    bind: (raw) => {
      const returned = raw.returned_value;
      const total = raw.monetary_total;
      return (i) => Math.min(1, orZero(returned[i]) / Math.max(1e-9, orZero(total[i]))) || 0;
    },
  },
  {
    name: 'days_since_return',
    group: 'returns',
    description: 'days since the last return (log; none: 3650)',
    bind: logDaysOf('days_since_return'),
  },
  {
    name: 'first_month_sin',
    group: 'tenure',
    description: 'month of the first order (sine)',
    bind: (raw) => {
      const first = raw.first_day;
      return (i) => MONTH_SIN[monthOfDay(orZero(first[i]))] ?? 0;
    },
  },
  {
    name: 'first_month_cos',
    group: 'tenure',
    description: 'month of the first order (cosine)',
    bind: (raw) => {
      const first = raw.first_day;
      return (i) => MONTH_COS[monthOfDay(orZero(first[i]))] ?? 0;
    },
  },
];

const MONTH_SIN = Array.from({ length: 12 }, (_, m) => Math.sin((2 * Math.PI * m) / 12));
const MONTH_COS = Array.from({ length: 12 }, (_, m) => Math.cos((2 * Math.PI * m) / 12));

/**
 * The season of the window being predicted: one value per snapshot date. Used only when the labelled
 * history spans two years or more, so that every season is seen at least twice; otherwise it would
 * merely tell the snapshots apart.
 */
const seasonalFeatures: FeatureDefinition[] = [
  {
    name: 'season_sin',
    group: null,
    description: 'time of year of the snapshot (sine)',
    bind: (raw) => {
      const end = raw.s_day;
      return (i) => Math.sin(2 * Math.PI * yearPhase(orZero(end[i]) - 1));
    },
  },
  {
    name: 'season_cos',
    group: null,
    description: 'time of year of the snapshot (cosine)',
    bind: (raw) => {
      const end = raw.s_day;
      return (i) => Math.cos(2 * Math.PI * yearPhase(orZero(end[i]) - 1));
    },
  },
];

export function numericFeatureDefinitions(seasonal: boolean): FeatureDefinition[] {
  return seasonal ? [...numericFeatures, ...seasonalFeatures] : numericFeatures;
}

/** Categorical inputs, one-hot encoded over the levels seen in training. */
export const CATEGORICAL_FEATURES = [
  { name: 'channel', group: 'channel', description: 'signup channel (else the first order’s channel)' },
  { name: 'region', group: 'region', description: 'region' },
] as const satisfies ReadonlyArray<{ name: string; group: ReasonGroup; description: string }>;
export type CategoricalName = (typeof CATEGORICAL_FEATURES)[number]['name'];
