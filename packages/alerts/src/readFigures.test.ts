import { cohortTrend, retentionKpis } from '@retain/analytics';
import { scoresInForce } from '@retain/churn';
import { openDemoWarehouse } from '@retain/churn/testing';
import { type AlertMetric, kpisInputSchema, trendInputSchema } from '@retain/schemas';
import { filterValues, sql, type Warehouse } from '@retain/warehouse';
import { writeScores } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMonth1, type FigureScope, readScopeFigures, scopeFilters } from './readFigures.ts';

// A demo retailer over three years (to 2025-12-31), so that every KPI, the 12-month net revenue
// retention included, has a value and a previous one.
let warehouse: Warehouse;
let close: () => void;
let scopes: FigureScope[];
beforeAll(async () => {
  ({ warehouse, close } = await openDemoWarehouse(800, 11, 3));
  const { channels, regions } = await filterValues(warehouse);
  const [web, app] = channels;
  const [north, south] = regions;
  if (!web || !app || !north || !south) throw new Error('the demo has too few channels or regions');
  scopes = [
    { channel: null, region: null },
    { channel: web, region: null },
    { channel: app, region: null },
    { channel: null, region: north },
    { channel: app, region: south },
    // Nobody: a channel the data does not have, and a known channel in an unknown region.
    { channel: 'fax', region: null },
    { channel: web, region: 'Atlantis' },
  ];
}, 120_000);
afterAll(() => close?.());

const rulesFor = (list: FigureScope[], metrics: AlertMetric[]) =>
  list.flatMap((scope) => metrics.map((metric) => ({ ...scope, metric })));

describe('readScopeFigures', () => {
  it('gives every scope exactly the KPIs of retentionKpis and the month-1 retention of cohortTrend for its filters', async () => {
    const figures = await readScopeFigures(warehouse, rulesFor(scopes, ['churnRate', 'cohortMonth1']));
    for (const scope of scopes) {
      const filters = scopeFilters(scope);
      const read = figures(scope);
      expect(read.kpis).toEqual(
        await retentionKpis(warehouse, kpisInputSchema.parse({ filters }), scoresInForce),
      );
      expect(read.cohortMonth1).toEqual(await cohortMonth1(warehouse, filters));
    }
    const whole = figures({ channel: null, region: null });
    expect(whole.kpis.kpis.netRevenueRetention12m.value).not.toBeNull();
    expect(whole.kpis.kpis.medianResolutionDays.value).not.toBeNull();
    const latest = (
      await cohortTrend(warehouse, trendInputSchema.parse({ age: 1, period: 'month', filters: {} }))
    ).latest;
    expect(whole.cohortMonth1).toMatchObject({
      current: latest?.value,
      previous: latest?.previousMean,
      period: latest?.cohort,
    });
    expect(whole.cohortMonth1?.current).not.toBeNull();
    const nobody = figures({ channel: 'fax', region: null });
    expect(nobody.kpis.kpis.activeCustomers.value).toBe(0);
    expect(nobody.cohortMonth1).toEqual({ current: null, previous: null, period: null, comparison: null });
  });

  it('reads month-1 retention only when a rule watches it', async () => {
    const figures = await readScopeFigures(warehouse, rulesFor(scopes.slice(0, 2), ['revenue']));
    expect(figures({ channel: null, region: null }).cohortMonth1).toBeNull();
  });

  it('sums at-risk revenue over the scores in force per scope, 0 for a scope none of whose customers was scored', async () => {
    const [, , , north] = scopes;
    if (!north?.region) throw new Error('no region');
    // Scores of 2025-12-01 are in force at the data's end; nobody in the first region is scored.
    await writeScores(
      warehouse,
      `SELECT c.customer_id, 0.4 AS churn_probability, 10.0 + length(c.customer_id) AS value_at_risk,
              'Loyal' AS segment, []::VARCHAR[] AS reasons
       FROM customers c JOIN analytics_customers a USING (customer_id)
       WHERE a.f_region IS DISTINCT FROM '${north.region}'`,
      { asOf: '2025-12-01' },
    );
    try {
      const figures = await readScopeFigures(warehouse, rulesFor(scopes, ['atRiskRevenue']));
      for (const scope of scopes) {
        expect(figures(scope).kpis).toEqual(
          await retentionKpis(
            warehouse,
            kpisInputSchema.parse({ filters: scopeFilters(scope) }),
            scoresInForce,
          ),
        );
      }
      expect(figures(scopes[0] as FigureScope).kpis.kpis.atRiskRevenue.value).toBeGreaterThan(0);
      expect(figures(north).kpis.kpis.atRiskRevenue.value).toBe(0);
      expect(figures(north).kpis.atRiskScores).not.toBeNull();
    } finally {
      await warehouse.write((conn) =>
        conn.run(sql`DELETE FROM scores; DELETE FROM score_runs; DELETE FROM models;`),
      );
    }
  });
});
