import { filtersFromSearch } from './analyticsFilters.ts';
import { readDay } from './searchState.ts';

/** `overview.kpis` input for the URL: an optional as-of day and the channel/region filters. */
export function overviewKpisInput(search: URLSearchParams) {
  const asOf = readDay(search, 'asOf');
  const { channel, region } = filtersFromSearch(search);
  const filters = { ...(channel ? { channel } : {}), ...(region ? { region } : {}) };
  return { ...(asOf ? { asOf } : {}), filters };
}

/**
 * Recent monthly cohorts' first year, for the overview's retention curves. With an as-of day the
 * matrix ends there (`to`): only cohorts that had started by then, and their months only up to it.
 */
export function overviewCohortsInput(search: URLSearchParams) {
  const { asOf, filters } = overviewKpisInput(search);
  return { period: 'month' as const, maxOffset: 12, filters: asOf ? { ...filters, to: asOf } : filters };
}

/**
 * Month-1 retention across monthly cohorts (`cohorts.trend`), for the overview's headline and
 * summary sentence; with an as-of day, only what was known by then.
 */
export function overviewMonthOneInput(search: URLSearchParams) {
  const { asOf, filters } = overviewKpisInput(search);
  return { age: 1, period: 'month' as const, filters: asOf ? { ...filters, to: asOf } : filters };
}

/** Points of the KPI history behind the sparklines and the trend chart: 90 days apart, 3 years back. */
export const TREND_POINTS = 12;
export const TREND_STEP_DAYS = 90;

/** The as-of day asked for, judged against the days the data covers. */
export type AsOfState =
  /** No day asked for: the figures are as of the data's last day. */
  | { kind: 'latest' }
  /** A day the data covers. */
  | { kind: 'past'; asOf: string }
  /** After the data's last day: nothing can be known about it yet. */
  | { kind: 'future'; asOf: string; dataEnd: string }
  /** Before the first order: there is nothing to show. */
  | { kind: 'beforeData'; asOf: string; dataStart: string };

/**
 * Whether the page can show figures as of `asOf`, given the data's first and last day (null while
 * those are unknown). The server refuses a day after the data; the page says why instead.
 */
export function asOfState(
  asOf: string | undefined,
  range: { dataStart: string | null; dataEnd: string | null } | undefined,
): AsOfState | null {
  if (asOf === undefined) return { kind: 'latest' };
  if (!range) return null;
  if (range.dataEnd !== null && asOf > range.dataEnd) return { kind: 'future', asOf, dataEnd: range.dataEnd };
  if (range.dataStart !== null && asOf < range.dataStart)
    return { kind: 'beforeData', asOf, dataStart: range.dataStart };
  return range.dataEnd === null ? { kind: 'latest' } : { kind: 'past', asOf };
}
