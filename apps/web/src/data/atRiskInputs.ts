import type { CallListFilters } from '@retain/schemas';
import { readNumber, readOptionalInt } from './searchState.ts';

/** RFM segments as the churn model names them (see packages/churn, scoring/segments.ts). */
export const SEGMENT_OPTIONS = [
  'Champions',
  'Loyal',
  'Potential loyalists',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  "Can't lose them",
  'At risk',
  'Hibernating',
  'Lost',
] as const;

export const PROBABILITY_OPTIONS = [
  { value: '', label: 'Any' },
  { value: '0.3', label: '30 % or more' },
  { value: '0.5', label: '50 % or more' },
  { value: '0.7', label: '70 % or more' },
  { value: '0.9', label: '90 % or more' },
] as const;

export const CONTACTED_OPTIONS = [
  { value: '', label: 'Keep everyone' },
  { value: '7', label: 'Contacted in the last 7 days' },
  { value: '30', label: 'Contacted in the last 30 days' },
  { value: '90', label: 'Contacted in the last 90 days' },
] as const;

/**
 * The call-list filters in the URL: `minP` (0–1), `segment`, `region`, `capacity` (calls the
 * team can make) and `contacted` (leave out customers contacted in the last D days).
 */
export function callListFiltersFromSearch(search: URLSearchParams): CallListFilters {
  const filters: CallListFilters = {};
  const minProbability = readNumber(search, 'minP');
  if (minProbability !== undefined && minProbability >= 0 && minProbability <= 1)
    filters.minProbability = minProbability;
  const segment = search.get('segment')?.trim();
  if (segment) filters.segment = segment;
  const region = search.get('region')?.trim();
  if (region) filters.region = region;
  const capacity = readOptionalInt(search, 'capacity', { min: 1, max: 100_000_000 });
  if (capacity !== undefined) filters.capacity = capacity;
  const contacted = readOptionalInt(search, 'contacted', { min: 1, max: 3650 });
  if (contacted !== undefined) filters.excludeContactedDays = contacted;
  return filters;
}

/** Rows fetched per request while scrolling: a screenful is ~20, so one request covers several. */
export const CALL_LIST_PAGE_SIZE = 200;

/** The pages (0-based) holding rows `first`…`last` (inclusive). */
export function pagesCovering(first: number, last: number, pageSize = CALL_LIST_PAGE_SIZE): number[] {
  if (last < first || last < 0) return [];
  const from = Math.floor(Math.max(0, first) / pageSize);
  const to = Math.floor(last / pageSize);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
