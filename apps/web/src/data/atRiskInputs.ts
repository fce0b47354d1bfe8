import type { CallListFilters } from '@retain/schemas';
import { readList, readNumber, readOptionalEnum, readOptionalInt } from './searchState.ts';

export const PROBABILITY_OPTIONS = [
  { value: '', label: 'Any' },
  { value: '0.3', label: '30 % or more' },
  { value: '0.5', label: '50 % or more' },
  { value: '0.7', label: '70 % or more' },
  { value: '0.9', label: '90 % or more' },
] as const;

/** An upper bound: customers very likely to leave may be past saving; the middle may be persuadable. */
export const MAX_PROBABILITY_OPTIONS = [
  { value: '', label: 'Any' },
  { value: '0.5', label: '50 % or less' },
  { value: '0.7', label: '70 % or less' },
  { value: '0.9', label: '90 % or less' },
] as const;

export const CONTACTED_OPTIONS = [
  { value: '', label: 'Keep everyone' },
  { value: '7', label: 'Contacted in the last 7 days' },
  { value: '30', label: 'Contacted in the last 30 days' },
  { value: '90', label: 'Contacted in the last 90 days' },
] as const;

export const COMPLAINT_VALUES = ['open', 'none'] as const;
export const COMPLAINT_OPTIONS = [
  { value: '', label: 'Anyone' },
  { value: 'open', label: 'Has an open complaint' },
  { value: 'none', label: 'No open complaint' },
] as const;

/** A repeated text filter, as the API takes it: up to 50 values of up to 200 characters. */
function filterValues(search: URLSearchParams, key: string): string[] {
  return readList(search, key)
    .map((v) => v.trim())
    .filter((v) => v.length > 0 && v.length <= 200)
    .slice(0, 50);
}

/**
 * The call-list filters in the URL: `minP` and `maxP` (0–1), `minValue` (value at risk),
 * `segment` and `region` (repeated for several), `complaint` (`open` or `none`), `capacity`
 * (calls the team can make) and `contacted` (leave out customers contacted in the last D days).
 * Segments and regions go to the API as lists, so a link with one or several reads the same way.
 */
export function callListFiltersFromSearch(search: URLSearchParams): CallListFilters {
  const filters: CallListFilters = {};
  const minProbability = readNumber(search, 'minP');
  if (minProbability !== undefined && minProbability >= 0 && minProbability <= 1)
    filters.minProbability = minProbability;
  const maxProbability = readNumber(search, 'maxP');
  if (
    maxProbability !== undefined &&
    maxProbability >= 0 &&
    maxProbability <= 1 &&
    maxProbability >= (filters.minProbability ?? 0)
  )
    filters.maxProbability = maxProbability;
  const minValue = readNumber(search, 'minValue');
  if (minValue !== undefined && minValue > 0 && minValue <= 1e15) filters.minValue = minValue;
  const segments = filterValues(search, 'segment');
  if (segments.length > 0) filters.segment = segments;
  const regions = filterValues(search, 'region');
  if (regions.length > 0) filters.region = regions;
  const complaint = readOptionalEnum(search, 'complaint', COMPLAINT_VALUES);
  if (complaint !== undefined) filters.hasOpenComplaint = complaint === 'open';
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
