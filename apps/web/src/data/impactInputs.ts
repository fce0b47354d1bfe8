import { filtersFromSearch } from './analyticsFilters.ts';
import { readEnum, readOptionalInt } from './searchState.ts';

const DEFAULT_MAX_OFFSET = { day: 90, week: 52, month: 12, quarter: 8 } as const;

/** `impact.summary` input from the URL: period, mode, `within` days for the repeat comparison, filters. */
export function impactInputFromSearch(search: URLSearchParams) {
  const period = readEnum(search, 'period', ['day', 'week', 'month', 'quarter'] as const, 'month');
  const mode = readEnum(search, 'mode', ['on', 'onOrAfter'] as const, 'on');
  const withinDays = readOptionalInt(search, 'within', { min: 1, max: 3650 });
  const { complained: _ignored, ...filters } = filtersFromSearch(search);
  return {
    period,
    mode,
    maxOffset: DEFAULT_MAX_OFFSET[period],
    ...(withinDays !== undefined ? { withinDays } : {}),
    filters,
  };
}

/** The comparison of repeat rates as two bars, and how many points apart they are. */
export function repeatComparison(repeat: {
  complainers: { customers: number; repeaters: number; rate: number | null };
  others: { customers: number; repeaters: number; rate: number | null };
}) {
  const rows = [
    { group: 'Complained', ...repeat.complainers },
    { group: 'Never complained', ...repeat.others },
  ];
  const gap =
    repeat.complainers.rate === null || repeat.others.rate === null
      ? null
      : repeat.complainers.rate - repeat.others.rate;
  return { rows, gap };
}
