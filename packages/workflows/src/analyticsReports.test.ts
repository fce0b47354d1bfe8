import { HAND_FIXTURE, ingestHistory } from '@retain/analytics/testing';
import { removeModels, writeFixtureScores } from '@retain/churn/testing';
import {
  cohortMatrixInputSchema,
  kpisInputSchema,
  repeatInputSchema,
  trendInputSchema,
} from '@retain/schemas';
import { ParameterError, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMatrixReport, cohortTrendReport, kpisReport, repeatReport } from './analyticsReports.ts';

let warehouse: Warehouse;
let cleanup: () => void;
beforeAll(async () => {
  const dir = tempDir('retain-analytics-reports-');
  cleanup = dir.cleanup;
  warehouse = await openTestWarehouse(dir.dir);
  await ingestHistory(warehouse, dir.dir, HAND_FIXTURE);
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

describe('the reports the dashboard and the CLI both show', () => {
  it('the cohort matrix, the trend and the repeat rates of the hand fixture', async () => {
    const matrix = await cohortMatrixReport(warehouse, cohortMatrixInputSchema.parse({}));
    expect(matrix).toMatchObject({ period: 'month', metric: 'customers', dataEnd: '2021-03-15' });
    expect(matrix.cohorts.length).toBeGreaterThan(0);
    const trend = await cohortTrendReport(warehouse, trendInputSchema.parse({}));
    expect(trend).toMatchObject({ period: 'month', age: 1 });
    const repeat = await repeatReport(warehouse, repeatInputSchema.parse({}));
    expect(repeat.overall.customers).toBe(matrix.cohorts.reduce((sum, c) => sum + c.size, 0));
  });

  it('the KPIs with at-risk revenue from the scores in force on the day', async () => {
    await writeFixtureScores(
      warehouse,
      [
        { customerId: 'A1', churnProbability: 0.5, valueAtRisk: 100 },
        { customerId: 'B1', churnProbability: 0.2, valueAtRisk: 50 },
      ],
      { asOf: '2021-03-15' },
    );
    try {
      const kpis = await kpisReport(warehouse, kpisInputSchema.parse({}));
      expect(kpis.kpis.atRiskRevenue.value).toBe(150);
      expect(kpis.atRiskScores).toMatchObject({ modelId: 'model-1', asOf: '2021-03-15' });
    } finally {
      await removeModels(warehouse);
    }
  });

  it('refuses an as-of day after the data with the field, the value and the data’s end', async () => {
    const error = await kpisReport(warehouse, kpisInputSchema.parse({ asOf: '2022-01-01' })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).problem).toMatchObject({
      code: 'afterDataEnd',
      field: 'asOf',
      value: '2022-01-01',
      params: { dataEnd: '2021-03-15' },
    });
    expect((error as ParameterError).message).not.toContain('--');
  });
});
