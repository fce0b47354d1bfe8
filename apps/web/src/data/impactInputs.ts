import type { RouterOutputs } from '@retain/api';
import { formatDay, formatInteger, formatPercent, formatPointsApart } from '../format.ts';
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

type ResolutionSpeed = RouterOutputs['impact']['summary']['resolutionSpeed'];

const points = (share: number) => formatPointsApart(share);
const signedPoints = (share: number) => `${share < 0 ? '−' : ''}${formatPointsApart(share)}`;

/**
 * The sentence a retention team acts on: whether customers whose first complaint was resolved
 * fast came back more than those resolved slowly, at equal activity, and how sure that is.
 */
export function resolutionHeadline(speed: ResolutionSpeed): string {
  const m = speed.matched;
  const fast = `resolved within ${formatInteger(speed.fastWithinDays)} days`;
  if (!m)
    return `Too few first complaints to compare fast and slow resolution at equal activity yet (complaints opened by ${formatDay(speed.openedBy)}).`;
  const interval = `95 % interval ${signedPoints(m.low)} to ${signedPoints(m.high)}`;
  const compared = `${formatInteger(m.customers)} customers compared`;
  if (m.low <= 0 && m.high >= 0)
    return (
      `At equal activity, customers whose first complaint was ${fast} came back within ${speed.windowDays} days about as often as those resolved later or never: ` +
      `${signedPoints(m.difference)} (${interval}; ${compared}), no clear difference.`
    );
  return (
    `At equal activity, customers whose first complaint was ${fast} came back within ${speed.windowDays} days ` +
    `${points(m.difference)} ${m.difference > 0 ? 'more' : 'less'} often than those resolved later or never ` +
    `(${formatPercent(m.fastRate)} against ${formatPercent(m.slowRate)}; ${interval}; ${compared}).`
  );
}

/** Fast and slow side by side, raw and at equal activity, for the chart and its table. */
export function resolutionRows(speed: ResolutionSpeed) {
  return [
    {
      group: `Resolved within ${speed.fastWithinDays} days`,
      customers: speed.fast.customers,
      raw: speed.fast.rate,
      matched: speed.matched?.fastRate ?? null,
    },
    {
      group: 'Resolved later or never',
      customers: speed.slow.customers,
      raw: speed.slow.rate,
      matched: speed.matched?.slowRate ?? null,
    },
  ];
}
