import {
  type CohortAttribute,
  type CohortMetric,
  DRILLDOWN_SORTS,
  type DrilldownSort,
  type Period,
  type RetentionMode,
} from '@retain/schemas';
import { formatDecimal, formatInteger, formatMoney, formatPercent, type NumberFormatter } from '../format.ts';
import { filtersFromSearch } from './analyticsFilters.ts';
import { readEnum, readInt, readOptionalEnum, readOptionalInt } from './searchState.ts';

export const PERIOD_OPTIONS: readonly { value: Period; label: string }[] = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
  { value: 'quarter', label: 'Quarter' },
];
export const METRIC_OPTIONS: readonly { value: CohortMetric; label: string }[] = [
  { value: 'customers', label: 'Customers' },
  { value: 'orders', label: 'Orders' },
  { value: 'revenue', label: 'Revenue' },
];
export const MODE_OPTIONS: readonly { value: RetentionMode; label: string }[] = [
  { value: 'on', label: 'In the period' },
  { value: 'onOrAfter', label: 'In it or later' },
];
export const BY_OPTIONS: readonly { value: CohortAttribute | 'period'; label: string }[] = [
  { value: 'period', label: 'First-order period' },
  { value: 'channel', label: 'Channel' },
  { value: 'region', label: 'Region' },
  { value: 'category', label: 'First category' },
  { value: 'complainedEarly', label: 'Complained early' },
];

/** Offsets shown by default: enough to read the curve without a matrix of thousands of day cells. */
const DEFAULT_MAX_OFFSET: Record<Period, number> = { day: 60, week: 52, month: 36, quarter: 12 };

/** The cohort view in the URL → the input of `cohorts.matrix` (and `cohorts.curves`). */
export function cohortViewFromSearch(search: URLSearchParams) {
  const period = readEnum(search, 'period', ['day', 'week', 'month', 'quarter'] as const, 'month');
  const metric = readEnum(search, 'metric', ['customers', 'orders', 'revenue'] as const, 'customers');
  const mode = readEnum(search, 'mode', ['on', 'onOrAfter'] as const, 'on');
  const by = readOptionalEnum(search, 'by', ['channel', 'region', 'category', 'complainedEarly'] as const);
  const net = metric === 'revenue' && search.get('net') === 'true';
  const maxOffset = readInt(search, 'offsets', DEFAULT_MAX_OFFSET[period], { min: 1, max: 400 });
  // `?forecast=on`: off by default, and left out of the input then (the same query, the same cache).
  const forecast = search.get('forecast') === 'on';
  return {
    period,
    metric,
    mode,
    net,
    maxOffset,
    ...(by ? { by } : {}),
    ...(forecast ? { forecast: true } : {}),
    filters: filtersFromSearch(search),
  };
}
export type CohortView = ReturnType<typeof cohortViewFromSearch>;

/**
 * The Day-N trend's input (`cohorts.trend`): the page's period, mode and filters, and `?age=`
 * (1 by default: the period after the first).
 */
export function trendInputFromSearch(search: URLSearchParams) {
  const view = cohortViewFromSearch(search);
  return {
    age: readInt(search, 'age', 1, { min: 0, max: 400 }),
    period: view.period,
    mode: view.mode,
    filters: view.filters,
  };
}

export interface SelectedCell {
  cohort: string;
  offset: number;
}

/** The drilled-down cell: `?cell=2024-01&offset=3`. */
export function selectedCellFromSearch(search: URLSearchParams): SelectedCell | null {
  const cohort = search.get('cell');
  const offset = readOptionalInt(search, 'offset', { min: 0 });
  return cohort && offset !== undefined ? { cohort, offset } : null;
}

export type DrillSort = DrilldownSort;

/** `cohorts.customers` input for the selected cell: the same cohort definition and filters as the matrix. */
export function drilldownInput(view: CohortView, cell: SelectedCell, search: URLSearchParams) {
  return {
    period: view.period,
    ...(view.by ? { by: view.by } : {}),
    cohort: cell.cohort,
    offset: cell.offset,
    mode: view.mode,
    status: readEnum(search, 'status', ['active', 'inactive'] as const, 'active'),
    sort: readEnum(search, 'sort', DRILLDOWN_SORTS, 'revenue'),
    direction: readEnum(search, 'dir', ['asc', 'desc'] as const, 'desc'),
    page: readInt(search, 'page', 1, { min: 1 }),
    pageSize: 25,
    filters: view.filters,
  };
}

/** What the matrix's cells show: the metric's rate (share, per customer) or its count. */
export type CohortShow = 'rates' | 'counts';

export function cohortShowFromSearch(search: URLSearchParams): CohortShow {
  return readEnum(search, 'show', ['rates', 'counts'] as const, 'rates');
}

/** The two ways of reading each metric's cells, named for what they hold. */
export function showOptions(metric: CohortMetric): readonly { value: CohortShow; label: string }[] {
  switch (metric) {
    case 'customers':
      return [
        { value: 'rates', label: 'Share' },
        { value: 'counts', label: 'Customers' },
      ];
    case 'orders':
      return [
        { value: 'rates', label: 'Per customer' },
        { value: 'counts', label: 'Orders' },
      ];
    case 'revenue':
      return [
        { value: 'rates', label: 'Share of first period' },
        { value: 'counts', label: 'Revenue' },
      ];
  }
}

/**
 * How a cell is written: a share (customers, revenue) or orders per customer, or with "counts"
 * the customers, orders or money behind it. The formatter's `decimals` round the matrix's CSV.
 */
export function cohortCellFormatter(metric: CohortMetric, show: CohortShow): NumberFormatter {
  if (show === 'counts') return metric === 'revenue' ? formatMoney : formatInteger;
  return metric === 'orders' ? formatDecimal : formatPercent;
}

/** A cell value as the metric reads: a share of the cohort, orders per customer, or a share of first-period revenue. */
export function formatCohortValue(metric: CohortMetric, value: number | null): string {
  return cohortCellFormatter(metric, 'rates')(value);
}

export function metricDescription(metric: CohortMetric, mode: RetentionMode, net: boolean): string {
  const when = mode === 'on' ? 'in that period' : 'in that period or later';
  if (metric === 'customers') return `Share of each cohort with an order ${when}.`;
  if (metric === 'orders') return `Orders per cohort member ${when}.`;
  return `Revenue${net ? ' net of returns' : ''} ${when}, as a share of the cohort’s first-period revenue.`;
}

export function offsetLabel(period: Period, offset: number): string {
  return `${period === 'day' ? 'Day' : period === 'week' ? 'Week' : period === 'month' ? 'Month' : 'Quarter'} ${offset}`;
}
