import {
  type CallListFilters,
  DEFAULT_CALL_CAPACITY,
  DEFAULT_CONTROL_SHARE,
  MAX_CONTROL_SHARE,
} from '@retain/schemas';
import { formatPercent } from '../format.ts';
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

/** Whom to list by phone: by default those a dialler can call; `any` or `none` (no number) on request. */
export const PHONE_VALUES = ['any', 'none'] as const;
export const PHONE_OPTIONS = [
  { value: '', label: 'Has a phone number' },
  { value: 'any', label: 'Anyone' },
  { value: 'none', label: 'No phone number' },
] as const;

/** `capacity=all` in the URL: the whole list, not a week's calls. */
export const ALL_CALLS = 'all';

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

/** Filters in the URL that cannot be meant, by field, in words for the person who set them. */
export interface CallListInputErrors {
  capacity?: string;
  maxProbability?: string;
  controlShare?: string;
}

/** `list=win-back` in the URL: the lost; absent: the customers who can still be kept. */
export const LIST_OPTIONS = [
  { value: '', label: 'At risk: can still be kept' },
  { value: 'win-back', label: 'Win-back: lost' },
] as const;

/** The share held back uncalled when the list is exported (`control` in the URL, 0–0.5). */
export const CONTROL_OPTIONS = [
  { value: '0', label: 'None (nothing can be measured)' },
  { value: '0.05', label: '5 %' },
  { value: '', label: `${DEFAULT_CONTROL_SHARE * 100} % (default)` },
  { value: '0.2', label: '20 %' },
  { value: '0.3', label: '30 %' },
  { value: '0.5', label: '50 %' },
] as const;

export interface CallListView {
  /** What the API is asked for (when there are no errors). */
  filters: CallListFilters;
  /** The control group's share for an export of this list. */
  controlShare: number;
  /** Filters to fix before any list is shown: the list is never quietly another than asked for. */
  errors: CallListInputErrors;
}

const MAX_CAPACITY = 100_000_000;

/**
 * The call list the URL asks for: `minP` and `maxP` (0–1), `minValue` (value at risk), `segment`
 * and `region` (repeated for several), `complaint` (`open` or `none`), `phone` (`any`, `none`;
 * absent: customers with a phone number a dialler can call), `capacity` (calls the team can make;
 * absent: a week's calls, DEFAULT_CALL_CAPACITY; `all`: the whole list) and `contacted` (leave out
 * customers contacted in the last D days). Segments and regions go to the API as lists, so a link
 * with one or several reads the same way. A capacity that is no number of calls (0, −5, 2.5) or a
 * probability range no customer can fall in is an error on its field, not a list of everyone.
 */
export function callListViewFromSearch(search: URLSearchParams): CallListView {
  const filters: CallListFilters = {};
  const errors: CallListInputErrors = {};
  const minProbability = readNumber(search, 'minP');
  if (minProbability !== undefined && minProbability >= 0 && minProbability <= 1)
    filters.minProbability = minProbability;
  const maxProbability = readNumber(search, 'maxP');
  if (maxProbability !== undefined && maxProbability >= 0 && maxProbability <= 1) {
    if (maxProbability < (filters.minProbability ?? 0))
      errors.maxProbability = `${formatPercent(maxProbability)} or less cannot meet ${formatPercent(filters.minProbability ?? 0)} or more: no customer falls in that range. Choose a higher maximum or a lower minimum.`;
    filters.maxProbability = maxProbability;
  }
  const minValue = readNumber(search, 'minValue');
  if (minValue !== undefined && minValue > 0 && minValue <= 1e15) filters.minValue = minValue;
  const segments = filterValues(search, 'segment');
  if (segments.length > 0) filters.segment = segments;
  const regions = filterValues(search, 'region');
  if (regions.length > 0) filters.region = regions;
  const complaint = readOptionalEnum(search, 'complaint', COMPLAINT_VALUES);
  if (complaint !== undefined) filters.hasOpenComplaint = complaint === 'open';
  const phone = readOptionalEnum(search, 'phone', PHONE_VALUES);
  if (phone !== 'any') filters.hasPhone = phone !== 'none';
  const capacity = search.get('capacity')?.trim() ?? '';
  if (capacity === '') filters.capacity = DEFAULT_CALL_CAPACITY;
  else if (capacity !== ALL_CALLS) {
    const calls = Number(capacity);
    if (!/^[+-]?\d+(\.\d*)?$/.test(capacity) || !Number.isInteger(calls) || calls < 1 || calls > MAX_CAPACITY)
      errors.capacity = `"${capacity}" is not a number of calls: enter a whole number, 1 or more.`;
    else filters.capacity = calls;
  }
  const contacted = readOptionalInt(search, 'contacted', { min: 1, max: 3650 });
  if (contacted !== undefined) filters.excludeContactedDays = contacted;
  if (search.get('list') === 'win-back') filters.kind = 'win-back';
  const control = search.get('control')?.trim() ?? '';
  let controlShare: number = DEFAULT_CONTROL_SHARE;
  if (control !== '') {
    const share = Number(control);
    if (!/^\d+(\.\d*)?$/.test(control) || !(share >= 0 && share <= MAX_CONTROL_SHARE))
      errors.controlShare = `"${control}" is no share to hold back: choose from none to 50 %.`;
    else controlShare = share;
  }
  return { filters, errors, controlShare };
}

/** The filters of a view without errors; those of a view with errors are never sent. */
export const callListFiltersFromSearch = (search: URLSearchParams): CallListFilters =>
  callListViewFromSearch(search).filters;

/** Rows fetched per request while scrolling: a screenful is ~20, so one request covers several. */
export const CALL_LIST_PAGE_SIZE = 200;

/** The pages (0-based) holding rows `first`…`last` (inclusive). */
export function pagesCovering(first: number, last: number, pageSize = CALL_LIST_PAGE_SIZE): number[] {
  if (last < first || last < 0) return [];
  const from = Math.floor(Math.max(0, first) / pageSize);
  const to = Math.floor(last / pageSize);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
