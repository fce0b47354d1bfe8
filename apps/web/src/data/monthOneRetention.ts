import type { MonthOneRetention } from '@retain/schemas';
import { formatPercent, formatPoints } from '../format.ts';

/*
 * The overview's month-1 retention headline: the latest monthly cohort whose month 1 is over,
 * against the plain mean of the six before it. The figure and its comparison are `latest` of
 * `cohorts.trend` (age 1, by month), which the summary sentence, the Cohorts page's Day-N trend,
 * `retain trend` and the alert rules read too.
 */

export const MONTH_ONE_LABEL = 'Month-1 retention';

export const MONTH_ONE_DEFINITION =
  'Of the customers whose first order fell in the latest month whose following month is over, the share who ordered again in that following month (month 1). Compared with the plain average of the same share for the six monthly cohorts before it.';

export interface MonthOneTileText {
  value: string;
  /** Who the figure is over: "Cohort 2024-11". */
  population: string;
  change: { arrow: string; verdict: 'better' | 'worse' | 'flat'; text: string } | null;
  comparison: string;
}

export function monthOneTileText(latest: MonthOneRetention): MonthOneTileText {
  const { cohort, value, previousMean, previousCohorts, delta } = latest;
  const population = `Cohort ${cohort} (first orders in that month)`;
  if (previousMean === null || delta === null) {
    return {
      value: formatPercent(value),
      population,
      change: null,
      comparison: 'no earlier cohort to compare with',
    };
  }
  // Under 0.05 points apart is "the same", as for the other shares.
  const flat = Math.abs(delta) < 0.0005;
  const first = previousCohorts[0];
  const last = previousCohorts.at(-1);
  return {
    value: formatPercent(value),
    population,
    change: {
      arrow: flat ? '■' : delta > 0 ? '▲' : '▼',
      verdict: flat ? 'flat' : delta > 0 ? 'better' : 'worse',
      text: formatPoints(delta),
    },
    comparison: `vs ${formatPercent(previousMean)}, the average of the ${previousCohorts.length === 1 ? 'cohort' : `${previousCohorts.length} cohorts`} before it${first && last ? ` (${first === last ? first : `${first} to ${last}`})` : ''}`,
  };
}
