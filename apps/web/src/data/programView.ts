import type { Effect, ProgramList, Qini, UpliftEvaluation } from '@retain/schemas';
import { formatInteger, formatMoney, formatPercent, formatPoints } from '../format.ts';
import type { ChartRow, Series } from './chartData.ts';
import type { Column } from './table.ts';

/*
 * The Program page's figures in words and chart rows: pure functions, so that the page only lays
 * them out and the tests read them without a browser.
 */

/** "+2.1 pp (−0.6 to +4.9 pp)": a difference of retention with its 95 % interval. */
export function differenceText(effect: Effect): string {
  return `${formatPoints(effect.difference)} (${formatPoints(effect.lower)} to ${formatPoints(effect.upper)})`;
}

/** "100 (−26 to 226)": customers saved over the treated, with the interval. */
export function customersSavedText(effect: Effect): string {
  return `${formatInteger(effect.customersSaved)} (${formatInteger(effect.customersSavedLower)} to ${formatInteger(effect.customersSavedUpper)})`;
}

export function revenueSavedText(effect: Effect): string {
  return `${formatMoney(effect.revenueSaved)} (${formatMoney(effect.revenueSavedLower)} to ${formatMoney(effect.revenueSavedUpper)})`;
}

/** What the interval says, plainly: a difference, none yet told from noise, or fewer kept. */
export function verdict(effect: Effect): string {
  if (!effect.conclusive)
    return `The difference cannot be told from noise yet: the 95 % interval (${formatPoints(effect.lower)} to ${formatPoints(effect.upper)}) includes no effect. More lists, or larger control groups, will tell.`;
  return effect.difference > 0
    ? `Calls kept more customers: ${formatPoints(effect.difference)} of retention, between ${formatPoints(effect.lower)} and ${formatPoints(effect.upper)} with 95 % confidence.`
    : `Called customers were retained less than those held back (${formatPoints(effect.difference)}).`;
}

/** The lists table: every column shown is what the CSV holds. */
export const PROGRAM_LIST_COLUMNS: readonly Column<ProgramList>[] = [
  { key: 'list', label: 'List', value: (l) => l.listId },
  { key: 'date', label: 'Date', value: (l) => l.date },
  {
    key: 'treated',
    label: 'To call',
    value: (l) => l.treated,
    format: (l) => formatInteger(l.treated),
    numeric: true,
  },
  {
    key: 'control',
    label: 'Held back',
    value: (l) => l.control,
    format: (l) => formatInteger(l.control),
    numeric: true,
  },
  {
    key: 'treatedRate',
    label: 'Retained, called',
    value: (l) => l.effect?.treatedRate ?? null,
    format: (l) => formatPercent(l.effect?.treatedRate ?? null),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'controlRate',
    label: 'Retained, held back',
    value: (l) => l.effect?.controlRate ?? null,
    format: (l) => formatPercent(l.effect?.controlRate ?? null),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'difference',
    label: 'Difference (95 % interval)',
    value: (l) => l.effect?.difference ?? null,
    format: (l) => (l.effect ? differenceText(l.effect) : '–'),
    numeric: true,
    decimals: 3,
  },
  {
    key: 'saved',
    label: 'Customers saved',
    value: (l) => l.effect?.customersSaved ?? null,
    format: (l) => (l.effect ? formatInteger(l.effect.customersSaved) : '–'),
    numeric: true,
    decimals: 0,
  },
  {
    key: 'revenueSaved',
    label: 'Revenue saved',
    value: (l) => l.effect?.revenueSaved ?? null,
    format: (l) => (l.effect ? formatMoney(l.effect.revenueSaved) : '–'),
    numeric: true,
    decimals: 0,
  },
  { key: 'note', label: 'What it says', value: (l) => l.note },
];

export const QINI_SERIES: readonly Series[] = [
  { key: 'uplift', label: 'Uplift model' },
  { key: 'churnProbability', label: 'Churn probability' },
  { key: 'valueAtRisk', label: 'Value at risk' },
  { key: 'random', label: 'Random', dashed: true },
];

/**
 * The three rankings' Qini curves as chart rows by share of customers called (0–100 %), with the
 * straight line of random targeting to the same end point.
 */
export function qiniRows(evaluation: UpliftEvaluation): ChartRow[] {
  const curves: Record<string, Qini> = {
    uplift: evaluation.uplift,
    churnProbability: evaluation.churnProbability,
    valueAtRisk: evaluation.valueAtRisk,
  };
  const end = evaluation.uplift.points.at(-1)?.gain ?? 0;
  return evaluation.uplift.points.map((point, i) => {
    const row: ChartRow = { share: Math.round(point.share * 100), random: point.share * end };
    for (const [key, curve] of Object.entries(curves)) row[key] = curve.points[i]?.gain ?? null;
    return row;
  });
}

export interface DecileRow {
  ranking: string;
  qini: number;
  top10: number | null;
  top20: number | null;
  top30: number | null;
}

/** Qini coefficient and the observed uplift in the top 10, 20 and 30 % of each ranking. */
export function decileRows(evaluation: UpliftEvaluation): DecileRow[] {
  const row = (ranking: string, q: Qini): DecileRow => ({
    ranking,
    qini: q.coefficient,
    top10: q.topDeciles[0]?.uplift ?? null,
    top20: q.topDeciles[1]?.uplift ?? null,
    top30: q.topDeciles[2]?.uplift ?? null,
  });
  return [
    row('Uplift model', evaluation.uplift),
    row('Churn probability', evaluation.churnProbability),
    row('Value at risk', evaluation.valueAtRisk),
  ];
}

export const DECILE_COLUMNS: readonly Column<DecileRow>[] = [
  { key: 'ranking', label: 'Ranked by', value: (r) => r.ranking },
  {
    key: 'qini',
    label: 'Qini coefficient',
    value: (r) => r.qini,
    format: (r) => r.qini.toFixed(4),
    numeric: true,
    decimals: 4,
  },
  ...(
    [
      ['top10', 'Uplift, top 10 %'],
      ['top20', 'Uplift, top 20 %'],
      ['top30', 'Uplift, top 30 %'],
    ] as const
  ).map(
    ([key, label]): Column<DecileRow> => ({
      key,
      label,
      value: (r) => r[key],
      format: (r) => formatPoints(r[key]),
      numeric: true,
      decimals: 3,
    }),
  ),
];
