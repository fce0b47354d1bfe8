import type { Kpi, Kpis } from './analytics.ts';

/*
 * The sentence that heads the overview and the executive report, as plain functions (no zod), so
 * that the dashboard and the server write the same words from the same figures; each passes its
 * own number formats (the reader's locale in a browser, a fixed one in a mailed report).
 */

export type KpiVerdict = 'better' | 'worse' | 'flat';

/**
 * How a KPI moved, judged by its good direction. Changes too small to matter (under 0.05 pp for
 * shares, 0.5 % relative otherwise) are "flat", so noise is not dressed up as news.
 */
export function kpiVerdict(kpi: Kpi, share: boolean, better: 'higher' | 'lower'): KpiVerdict | null {
  const { value, previous, delta } = kpi;
  if (value === null || previous === null || delta === null) return null;
  const relative = previous === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : delta / Math.abs(previous);
  const flat = share ? Math.abs(delta) < 0.0005 : Math.abs(relative) < 0.005;
  if (flat) return 'flat';
  return delta > 0 === (better === 'higher') ? 'better' : 'worse';
}

export interface SummaryFormats {
  percent: (value: number) => string;
  money: (value: number) => string;
  /** Percentage points with one decimal, unsigned: "2.1". */
  points: (value: number) => string;
}

/**
 * Month-1 retention of the latest monthly cohort whose month 1 is over, against the plain mean of
 * the (up to) six cohorts before it: `latest` of `cohorts.trend` with age 1 by month.
 */
export interface MonthOneRetention {
  cohort: string;
  value: number;
  previousMean: number | null;
  previousCohorts: string[];
  delta: number | null;
}

/** "month-1 retention of the latest complete cohort (2024-11) was 25.0%, 4.6 points below …". */
export function monthOneClause(m: MonthOneRetention, f: SummaryFormats): string {
  const head = `month-1 retention of the latest complete cohort (${m.cohort}) was ${f.percent(m.value)}`;
  if (m.previousMean === null || m.delta === null) return head;
  const six =
    m.previousCohorts.length === 1 ? 'the cohort before it' : `the ${m.previousCohorts.length} before it`;
  // Under 0.05 points apart reads as the same, as for the other shares.
  if (Math.abs(m.delta) < 0.0005) return `${head}, in line with the average of ${six}`;
  return `${head}, ${f.points(Math.abs(m.delta) * 100)} points ${m.delta > 0 ? 'above' : 'below'} the average of ${six} (${f.percent(m.previousMean)})`;
}

/**
 * One sentence an executive can read aloud: whether retention is improving (churn and repeat
 * purchase against 90 days earlier), by how much, how the newest complete cohort's month 1 compares
 * with the six before it, and what revenue is at risk.
 */
export function retentionSummary(k: Kpis, f: SummaryFormats, monthOne?: MonthOneRetention | null): string {
  const churn = k.kpis.churnRate;
  const repeat = k.kpis.repeatRate90d;
  const atRisk = k.kpis.atRiskRevenue.value;
  const when = k.previousAsOf ? ' from 90 days earlier' : '';
  const churnVerdict = kpiVerdict(churn, true, 'lower') ?? 'flat';
  const repeatVerdict = kpiVerdict(repeat, true, 'higher') ?? 'flat';
  const score = (v: KpiVerdict) => (v === 'better' ? 1 : v === 'worse' ? -1 : 0);
  const total = score(churnVerdict) + score(repeatVerdict);
  const pp = (delta: number) => `${f.points(Math.abs(delta) * 100)} points`;
  const headline =
    churn.value === null && repeat.value === null
      ? 'There is not enough history yet to judge retention'
      : total > 0
        ? 'Retention is improving'
        : total < 0
          ? 'Retention is getting worse'
          : churnVerdict === 'flat' && repeatVerdict === 'flat'
            ? 'Retention is holding steady'
            : 'Retention is mixed';
  const parts: string[] = [];
  if (churn.value !== null) {
    parts.push(
      churn.delta === null || churnVerdict === 'flat'
        ? `churn among active customers is ${f.percent(churn.value)}`
        : `churn among active customers ${churn.delta < 0 ? 'fell' : 'rose'} ${pp(churn.delta)} to ${f.percent(churn.value)}`,
    );
  }
  if (repeat.value !== null) {
    parts.push(
      repeat.delta === null || repeatVerdict === 'flat'
        ? `${f.percent(repeat.value)} of recent new customers bought again within 90 days`
        : `${f.percent(repeat.value)} of recent new customers bought again within 90 days (${repeat.delta > 0 ? 'up' : 'down'} ${pp(repeat.delta)}${when})`,
    );
  }
  let sentence = headline;
  if (parts.length > 0) sentence += `: ${parts.join(' and ')}`;
  if (monthOne) sentence += `; ${monthOneClause(monthOne, f)}`;
  if (atRisk !== null && atRisk > 0) sentence += `; ${f.money(atRisk)} in customer value is at risk`;
  return `${sentence}.`;
}
