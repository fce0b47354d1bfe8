import type { RouterOutputs } from '@retain/api';
import { allCohortRepeatLabel } from '@retain/schemas';
import { formatDay, formatInteger } from '../format.ts';
import { filtersFromSearch } from './analyticsFilters.ts';
import { dayBefore } from './kpis.ts';
import { readEnum, readOptionalEnum, readOptionalInt } from './searchState.ts';

type Repeat = RouterOutputs['repeat']['summary'];

export const WITHIN_OPTIONS = [
  { value: 'any', label: 'Any time' },
  { value: '30', label: 'Within 30 days' },
  { value: '60', label: 'Within 60 days' },
  { value: '90', label: 'Within 90 days' },
  { value: '180', label: 'Within 180 days' },
  { value: '365', label: 'Within a year' },
] as const;

/**
 * The Repeat page's window when the URL names none: 90 days, so that every cohort is judged over
 * the same time. "Any time" (`within=any`) gives recent cohorts less time than old ones.
 */
export const DEFAULT_REPEAT_WITHIN = 90;

/** The repeat window of the Repeat page: days, or undefined for any time. */
export function repeatWithinFromSearch(search: URLSearchParams): number | undefined {
  if (search.get('within') === 'any') return undefined;
  return readOptionalInt(search, 'within', { min: 1, max: 3650 }) ?? DEFAULT_REPEAT_WITHIN;
}

/** `repeat.summary` input from the URL: `period`, `by`, `within` (days, or `any`) and the shared filters. */
export function repeatInputFromSearch(search: URLSearchParams) {
  const period = readEnum(search, 'period', ['day', 'week', 'month', 'quarter'] as const, 'month');
  const by = readOptionalEnum(search, 'by', ['channel', 'region', 'category', 'complainedEarly'] as const);
  const withinDays = repeatWithinFromSearch(search);
  return {
    period,
    ...(by ? { by } : {}),
    ...(withinDays !== undefined ? { withinDays } : {}),
    filters: filtersFromSearch(search),
  };
}

/** The headline repeat rate: its name, who it is over, and its whole definition. */
export function repeatHeadline(r: Repeat): { label: string; note: string; definition: string } {
  const label = allCohortRepeatLabel(r.withinDays);
  const o = r.overall;
  const end = formatDay(r.dataEnd);
  if (r.withinDays === null)
    return {
      label,
      note: `of ${formatInteger(o.customers)} customers acquired by ${end}, however recent`,
      definition:
        `Of every customer acquired by ${end}, the share who placed a second order, whenever it came. ` +
        'Recent customers have had little time, so their cohorts look low: pick a window to compare cohorts.',
    };
  const lastFirst = r.dataEnd ? formatDay(dayBefore(r.dataEnd, r.withinDays)) : '—';
  return {
    label,
    note:
      `of ${formatInteger(o.customers)} customers acquired by ${lastFirst}` +
      (o.tooRecent > 0 ? `; ${formatInteger(o.tooRecent)} more too recent to tell` : ''),
    definition:
      `Of every customer whose first order was on or before ${lastFirst} (${formatInteger(r.withinDays)} days ` +
      `before the data ends, ${end}), the share who placed a second order within ${formatInteger(r.withinDays)} ` +
      'days of their first. Later customers have not had that long and are left out.' +
      (r.withinDays === 90
        ? ' The Overview’s Recent 90-day repeat rate applies the same rule to one quarter’s new customers only.'
        : ''),
  };
}
