import { filtersFromSearch } from './analyticsFilters.ts';
import { readEnum, readOptionalEnum, readOptionalInt } from './searchState.ts';

export const WITHIN_OPTIONS = [
  { value: 'any', label: 'Any time' },
  { value: '30', label: 'Within 30 days' },
  { value: '60', label: 'Within 60 days' },
  { value: '90', label: 'Within 90 days' },
  { value: '180', label: 'Within 180 days' },
  { value: '365', label: 'Within a year' },
] as const;

/** `repeat.summary` input from the URL: `period`, `by`, `within` (days) and the shared filters. */
export function repeatInputFromSearch(search: URLSearchParams) {
  const period = readEnum(search, 'period', ['day', 'week', 'month', 'quarter'] as const, 'month');
  const by = readOptionalEnum(search, 'by', ['channel', 'region', 'category', 'complainedEarly'] as const);
  const withinDays = readOptionalInt(search, 'within', { min: 1, max: 3650 });
  return {
    period,
    ...(by ? { by } : {}),
    ...(withinDays !== undefined ? { withinDays } : {}),
    filters: filtersFromSearch(search),
  };
}
