import { PRIOR_ORDER_BANDS, type ResolutionSpeed, TENURE_BANDS } from '@retain/schemas';
import { type Sql, sql } from '@retain/warehouse';
import { type AnalyticsScope, withClause } from './analyticsScope.ts';
import { isoDay } from './periods.ts';
import { type ResultRow, spelled, sqlQuery } from './sqlQuery.ts';

/*
 * Does resolving a complaint fast keep the customer? Comparing complainers with everyone else does
 * not say: customers who order more have more occasions to complain, so complainers look loyal.
 * This compares complainers with complainers, at equal activity:
 *
 * - each customer's FIRST complaint (so a customer counts once, and before later complaints could
 *   follow from the first), opened at least `windowDays` before the data's end;
 * - fast: resolved within `fastWithinDays` days (48 hours); slow: later, or never;
 * - came back: an order dated in the `windowDays` days after the day the complaint was opened;
 * - strata of activity at the complaint (orders placed by then × days since the first order):
 *   coarsened exact matching. Within each stratum holding both groups the two rates are compared;
 *   rates are standardised over those strata, each weighted by its customers.
 */

export const RESOLUTION_WINDOW_DAYS = 90;
export const FAST_WITHIN_DAYS = 2;
/** z of a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/** Customers per (speed, prior-order band, tenure band), and how many came back. */
export function resolutionSpeedQuery(scope: AnalyticsScope): Sql {
  const d = scope.dialect;
  const column = (name: string) => sql.raw(name);
  const firstBy = (value: string) => spelled(d.argMin(column(value), column('x.opened_at')));
  const windowEnd = spelled(d.addDays(column('f.opened_day'), column(String(RESOLUTION_WINDOW_DAYS))));
  const tenure = spelled(d.dateDiff('day', column('f.first_day'), column('f.opened_day')));
  // A first complaint counts once its whole window is observed: opened by the end minus the window.
  const openedBy = scope.endDay === null ? null : isoDay(scope.endDay - RESOLUTION_WINDOW_DAYS);
  return sqlQuery(
    `${withClause([
      ...scope.ctes,
      `first_complaint AS (
         SELECT x.cust, min(x.opened_at) AS opened_at, ${firstBy('x.opened_day')} AS opened_day,
                any_value(x.first_day) AS first_day,
                ${firstBy('x.resolved_at IS NOT NULL AND x.resolved_day <= CAST($end AS DATE) AND x.resolution_days <= $fastDays')} AS fast
         FROM analytics_complaints x ${scope.joins('x')}
         WHERE x.opened_day <= CAST($end AS DATE) AND ${scope.where('x')}
         GROUP BY x.cust
         HAVING min(x.opened_day) <= CAST($openedBy AS DATE))`,
      // Grouped by the customer alone (the rest is one value per customer): a narrower hash key.
      `per AS (
         SELECT any_value(f.fast) AS fast, any_value(${tenure}) AS tenure,
                count(*) FILTER (WHERE o.ts <= f.opened_at) AS prior,
                bool_or(o.day > f.opened_day AND o.day <= ${windowEnd}) AS came_back
         FROM first_complaint f JOIN analytics_orders o ON o.cust = f.cust
         WHERE o.day <= CAST($end AS DATE)
         GROUP BY f.cust)`,
    ])}
     SELECT fast,
            CASE WHEN prior <= 1 THEN 0 WHEN prior = 2 THEN 1 WHEN prior <= 4 THEN 2
                 WHEN prior <= 9 THEN 3 ELSE 4 END AS prior_band,
            CASE WHEN tenure < 90 THEN 0 WHEN tenure < 365 THEN 1 ELSE 2 END AS tenure_band,
            CAST(count(*) AS INTEGER) AS customers, CAST(count(*) FILTER (WHERE came_back) AS INTEGER) AS returned
     FROM per
     GROUP BY 1, 2, 3`,
    { ...scope.params, fastDays: FAST_WITHIN_DAYS, openedBy },
  );
}

interface Counts {
  customers: number;
  returned: number;
}

const comeback = ({ customers, returned }: Counts) => ({
  customers,
  returned,
  rate: customers > 0 ? returned / customers : null,
});

/**
 * Rates of the fast and the slow group standardised over the strata holding both, each stratum
 * weighted by its customers, and their difference with a 95 % interval: the variance of a weighted
 * sum of independent binomial proportions, Σ w² (p_f q_f / n_f + p_s q_s / n_s) / W².
 */
export function matchedDifference(
  strata: ReadonlyArray<{ fast: Counts; slow: Counts }>,
): ResolutionSpeed['matched'] {
  let weight = 0;
  let fastSum = 0;
  let slowSum = 0;
  let variance = 0;
  let all = 0;
  for (const { fast, slow } of strata) {
    all += fast.customers + slow.customers;
    if (fast.customers === 0 || slow.customers === 0) continue;
    const w = fast.customers + slow.customers;
    const pf = fast.returned / fast.customers;
    const ps = slow.returned / slow.customers;
    weight += w;
    fastSum += w * pf;
    slowSum += w * ps;
    variance += w * w * ((pf * (1 - pf)) / fast.customers + (ps * (1 - ps)) / slow.customers);
  }
  if (weight === 0) return null;
  const fastRate = fastSum / weight;
  const slowRate = slowSum / weight;
  const difference = fastRate - slowRate;
  const half = (Z95 * Math.sqrt(variance)) / weight;
  return {
    fastRate,
    slowRate,
    difference,
    low: difference - half,
    high: difference + half,
    customers: weight,
    unmatched: all - weight,
  };
}

/** The comparison from the query's rows. */
export function resolutionSpeed(rows: readonly ResultRow[], endDay: number | null): ResolutionSpeed {
  const empty = (): Counts => ({ customers: 0, returned: 0 });
  const cells = PRIOR_ORDER_BANDS.flatMap((priorOrders) =>
    TENURE_BANDS.map((tenure) => ({ priorOrders, tenure, fast: empty(), slow: empty() })),
  );
  const fast = empty();
  const slow = empty();
  for (const row of rows) {
    const cell = cells[row.number('prior_band') * TENURE_BANDS.length + row.number('tenure_band')];
    if (!cell) throw new Error('a resolution-speed stratum out of range');
    const group = row.boolean('fast') ? 'fast' : 'slow';
    const counts = { customers: row.number('customers'), returned: row.number('returned') };
    cell[group] = counts;
    const total = group === 'fast' ? fast : slow;
    total.customers += counts.customers;
    total.returned += counts.returned;
  }
  const strata = cells.filter((c) => c.fast.customers + c.slow.customers > 0);
  return {
    windowDays: RESOLUTION_WINDOW_DAYS,
    fastWithinDays: FAST_WITHIN_DAYS,
    openedBy: endDay === null ? null : isoDay(endDay - RESOLUTION_WINDOW_DAYS),
    fast: comeback(fast),
    slow: comeback(slow),
    matched: matchedDifference(strata),
    strata: strata.map((c) => ({ ...c, fast: comeback(c.fast), slow: comeback(c.slow) })),
  };
}
