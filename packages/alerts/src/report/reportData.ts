import path from 'node:path';
import { cohortMatrix, cohortTrend, retentionKpis } from '@retain/analytics';
import { scoresInForce } from '@retain/churn';
import {
  type CohortMatrix,
  type Currency,
  cohortMatrixInputSchema,
  type Kpis,
  kpisInputSchema,
  retentionSummary,
  trendInputSchema,
} from '@retain/schemas';
import { dataCurrency, type Warehouse } from '@retain/warehouse';
import { figureText } from '../figureText.ts';

/** Points of the trend: 90 days apart, as the overview's trend chart takes them. */
export const TREND_POINTS = 12;
export const TREND_STEP_DAYS = 90;
/** Monthly cohorts shown, newest last, each to month 12. */
export const REPORT_COHORTS = 12;

export interface TrendPoint {
  asOf: string;
  churnRate: number | null;
  repeatRate90d: number | null;
  netRevenueRetention12m: number | null;
}

/** Everything the executive report shows, read in one go so that every figure is of one data version. */
export interface ReportData {
  generatedAt: string;
  /** The database file's name (not its folder). */
  database: string;
  dataVersion: number;
  currency: Currency;
  kpis: Kpis;
  summary: string;
  cohorts: CohortMatrix;
  trend: TrendPoint[];
}

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The days of the trend: up to 12 points 90 days apart ending at asOf, each with a whole window of data. */
export function trendDays(asOf: string, dataStart: string | null): string[] {
  const end = dayOf(asOf);
  const earliest = dataStart === null ? Number.NEGATIVE_INFINITY : dayOf(dataStart) + TREND_STEP_DAYS * DAY;
  return Array.from({ length: TREND_POINTS }, (_, i) => end - (TREND_POINTS - 1 - i) * TREND_STEP_DAYS * DAY)
    .filter((d) => d >= earliest)
    .map(isoOf);
}

export async function reportData(
  warehouse: Warehouse,
  options: { currency?: string | null; now?: Date } = {},
): Promise<ReportData> {
  const dataVersion = await warehouse.dataVersion();
  const kpis = await retentionKpis(warehouse, kpisInputSchema.parse({}), scoresInForce);
  const currency = await dataCurrency(warehouse, options.currency ?? null);
  const text = figureText(currency.code);
  // The overview's sentence, month-1 retention of the latest complete cohort included.
  const monthOne = await cohortTrend(warehouse, trendInputSchema.parse({ age: 1, period: 'month' }));
  const summary = retentionSummary(
    kpis,
    {
      percent: (v) => text.value('share', v),
      money: (v) => text.value('money', v),
      points: (v) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(v),
    },
    monthOne.latest,
  );
  const matrix = await cohortMatrix(
    warehouse,
    cohortMatrixInputSchema.parse({ period: 'month', metric: 'customers', maxOffset: 12 }),
  );
  const cohorts = { ...matrix, cohorts: matrix.cohorts.slice(-REPORT_COHORTS) };
  const trend: TrendPoint[] = [];
  if (kpis.asOf) {
    for (const asOf of trendDays(kpis.asOf, kpis.dataStart)) {
      const k =
        asOf === kpis.asOf
          ? kpis
          : await retentionKpis(warehouse, kpisInputSchema.parse({ asOf }), scoresInForce);
      trend.push({
        asOf,
        churnRate: k.kpis.churnRate.value,
        repeatRate90d: k.kpis.repeatRate90d.value,
        netRevenueRetention12m: k.kpis.netRevenueRetention12m.value,
      });
    }
  }
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    database: path.basename(warehouse.path),
    dataVersion,
    currency,
    kpis,
    summary,
    cohorts,
    trend,
  };
}
