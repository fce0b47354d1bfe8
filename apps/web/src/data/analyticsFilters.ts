import type { AnalyticsFilters } from '@retain/schemas';
import type { SearchPatch } from '../router/location.ts';
import { readBool, readDay, readList } from './searchState.ts';

export type { AnalyticsFilters };

/**
 * The filters every analytics page shares, read from the URL: `from`/`to` (first-order dates),
 * repeated `channel`, `region`, `category`, and `complained`. Absent keys are left out rather than
 * sent empty, so the same view always makes the same request (and hits the same cache entry).
 */
export function filtersFromSearch(search: URLSearchParams): AnalyticsFilters {
  const filters: AnalyticsFilters = {};
  let from = readDay(search, 'from');
  let to = readDay(search, 'to');
  if (from && to && from > to) [from, to] = [to, from];
  if (from) filters.from = from;
  if (to) filters.to = to;
  for (const key of ['channel', 'region', 'category'] as const) {
    const values = readList(search, key).slice(0, 100);
    if (values.length > 0) filters[key] = values;
  }
  const complained = readBool(search, 'complained');
  if (complained !== undefined) filters.complained = complained;
  return filters;
}

/** The URL patch that clears every shared filter. */
export const CLEAR_FILTERS: SearchPatch = {
  from: null,
  to: null,
  channel: null,
  region: null,
  category: null,
  complained: null,
};

/** How many filters are set, for a "Clear filters (3)" button. */
export function activeFilterCount(filters: AnalyticsFilters): number {
  return Object.values(filters).filter((v) => v !== undefined).length;
}
