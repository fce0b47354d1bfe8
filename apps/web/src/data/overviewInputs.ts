import { filtersFromSearch } from './analyticsFilters.ts';
import { readDay } from './searchState.ts';

/** `overview.kpis` input for the URL: an optional as-of day and the channel/region filters. */
export function overviewKpisInput(search: URLSearchParams) {
  const asOf = readDay(search, 'asOf');
  const { channel, region } = filtersFromSearch(search);
  const filters = { ...(channel ? { channel } : {}), ...(region ? { region } : {}) };
  return { ...(asOf ? { asOf } : {}), filters };
}

/** Recent monthly cohorts' first year, for the overview's retention curves. */
export function overviewCohortsInput(search: URLSearchParams) {
  const { filters } = overviewKpisInput(search);
  return { period: 'month' as const, maxOffset: 12, filters };
}

/** Points of the KPI history behind the sparklines and the trend chart: 90 days apart, 3 years back. */
export const TREND_POINTS = 12;
export const TREND_STEP_DAYS = 90;
