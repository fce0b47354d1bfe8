import type {
  CohortMetric,
  CohortRow,
  ForecastCell,
  ForecastSummary,
  Period,
  RetentionMode,
} from '@retain/schemas';
import { firstDayOfPeriod, isoDay } from '../periods.ts';
import { wilsonInterval } from '../wilsonInterval.ts';
import { type ActivityForecast, fitActivity } from './activeShare.ts';
import { Z80 } from './optimize.ts';
import { survivalForecasts } from './survivalForecast.ts';

/*
 * Forecast cells for the rows of a matrix (or curves). Rules, also in README.md ("Forecasts"):
 *  - Support: forecasts reach ages up to the oldest complete age seen in any cohort plus half of
 *    it (12 observed months: up to month 18); beyond that the model's shape would be a guess.
 *  - Small cohorts (under minCohortSize customers) and cohorts with no complete period after their
 *    first take the pooled level, and say so (`forecastBasis: "pooled"`).
 *  - Orders and revenue: the share buying in the period times the cohort's own ratio of the metric
 *    to that share over its complete periods (the pooled ratio when it has none); the interval is
 *    the share's, scaled the same way: it reflects who buys, not how much.
 * Only the rows given are read; with an as-of day they hold nothing after it.
 */

export interface ForecastRowsInput {
  period: Period;
  metric: CohortMetric;
  mode: RetentionMode;
  /** Last day of the data (day index) and the last period to forecast (period index). */
  endPeriod: number;
  throughPeriod: number;
  minCohortSize: number;
  maxOffset?: number | undefined;
  /** The rows shown. */
  rows: CohortRow[];
  /** The same groups in the same order, customers buying in the period (mode "on"). */
  activity: CohortRow[];
  /** Each row's first period (for attribute groups: that of their earliest member). */
  firstPeriods: number[];
}

export interface ForecastRowsResult {
  rows: CohortRow[];
  summary: ForecastSummary;
}

interface CellForecast {
  value: number;
  se: number;
}

/** The support rule: how far past the oldest complete age forecasts may reach. */
export function forecastHorizon(oldestAge: number): number {
  return 2 * oldestAge;
}

export function forecastRows(input: ForecastRowsInput): ForecastRowsResult {
  const { rows, activity, minCohortSize } = input;
  const through = isoDay(firstDayOfPeriod(input.period, input.throughPeriod + 1) - 1);
  const survival = input.metric === 'customers' && input.mode === 'onOrAfter';
  const model: ForecastSummary['model'] = survival ? 'survival' : 'activity';
  const ownLevel = rows.map((row) => row.size >= minCohortSize);

  let forecasters: Array<{ at(k: number): CellForecast; pooled: boolean }> | null = null;
  let oldestAge = 0;
  if (survival) {
    const fit = survivalForecasts(rows, ownLevel);
    if (fit) {
      forecasters = fit.forecasts;
      oldestAge = fit.oldestAge;
    }
  } else {
    const fit = fitActivity(
      activity.map((row, i) => ({
        active: row.counts,
        bases: row.bases,
        complete: row.complete,
        ownLevel: ownLevel[i] ?? false,
      })),
    );
    if (fit) {
      oldestAge = fit.oldestAge;
      forecasters =
        input.metric === 'customers' ? fit.forecasts : scaledForecasts(rows, activity, fit.forecasts);
    }
  }
  const horizon = forecasters ? forecastHorizon(oldestAge) : null;
  const pooledCohorts: string[] = [];

  const out = rows.map((row, i): CohortRow => {
    const forecaster = forecasters?.[i];
    const cells: ForecastCell[] = [];
    const fp = input.firstPeriods[i] ?? input.endPeriod;
    const lastAge = Math.min(input.throughPeriod - fp, input.maxOffset ?? Number.POSITIVE_INFINITY);
    for (let k = 0; k <= Math.max(lastAge, row.values.length - 1); k++) {
      const observed = k < row.values.length ? row.values[k] : undefined;
      const complete = row.complete[k] === true;
      if (observed !== undefined && complete) {
        if (observed === null) continue;
        const interval =
          input.metric === 'customers' ? wilsonInterval(row.counts[k] ?? 0, row.bases[k] ?? 0, Z80) : null;
        cells.push({
          k,
          value: observed,
          lower: interval?.low ?? null,
          upper: interval?.high ?? null,
          kind: 'observed',
        });
        continue;
      }
      const canForecast = forecaster && horizon !== null && k >= 1 && k <= horizon && k <= lastAge;
      if (observed !== undefined) {
        // The period under way.
        if (canForecast) {
          const floor = input.metric === 'revenue' || observed === null ? null : observed;
          cells.push({ ...cellFrom(forecaster.at(k), input.metric, floor), k, kind: 'incomplete' });
        } else if (observed !== null) {
          cells.push({ k, value: observed, lower: null, upper: null, kind: 'incomplete' });
        }
        continue;
      }
      if (canForecast) cells.push({ ...cellFrom(forecaster.at(k), input.metric, null), k, kind: 'forecast' });
    }
    const basis = forecaster ? (forecaster.pooled ? 'pooled' : 'cohort') : undefined;
    if (basis === 'pooled' && cells.some((c) => c.kind !== 'observed' && c.lower !== null)) {
      pooledCohorts.push(row.cohort);
    }
    return basis ? { ...row, cells, forecastBasis: basis } : { ...row, cells };
  });

  let note: string | null = null;
  if (!forecasters) {
    note =
      rows.length === 0
        ? 'no customers match'
        : 'no cohort has a complete period after its first yet: nothing to forecast from';
  }
  return {
    rows: out,
    summary: { model, through, horizon, oldestAge, pooledCohorts, note },
  };
}

/** An 80 % interval on the logit scale (shares) or the log scale (orders, revenue). */
function cellFrom(
  { value, se }: CellForecast,
  metric: CohortMetric,
  floor: number | null,
): Omit<ForecastCell, 'k' | 'kind'> {
  let lower: number;
  let upper: number;
  if (metric === 'customers') {
    const p = Math.min(Math.max(value, 1e-9), 1 - 1e-9);
    const logit = Math.log(p / (1 - p));
    const half = (Z80 * se) / (p * (1 - p));
    const inverse = (x: number) => 1 / (1 + Math.exp(-x));
    lower = inverse(logit - half);
    upper = inverse(logit + half);
  } else if (value > 0) {
    const half = (Z80 * se) / value;
    lower = value * Math.exp(-half);
    upper = value * Math.exp(half);
  } else {
    lower = value - Z80 * se;
    upper = value + Z80 * se;
  }
  if (floor !== null && floor > value) return { value: floor, lower: floor, upper: Math.max(upper, floor) };
  if (floor !== null) lower = Math.max(lower, floor);
  return { value, lower, upper };
}

/**
 * Orders per customer or revenue against the first period: the buying share's forecast times the
 * cohort's ratio of the metric to that share (weighted by base), pooled when it has no complete
 * period after the first.
 */
function scaledForecasts(
  rows: CohortRow[],
  activity: CohortRow[],
  shares: ActivityForecast[],
): Array<{ at(k: number): CellForecast; pooled: boolean }> {
  const ratioSums = rows.map((row, i) => {
    const act = activity[i];
    let metric = 0;
    let share = 0;
    for (let k = 1; k < row.values.length; k++) {
      const value = row.values[k];
      const active = act?.values[k];
      const base = row.bases[k] ?? 0;
      if (
        !row.complete[k] ||
        value === null ||
        value === undefined ||
        active === null ||
        active === undefined
      )
        continue;
      metric += value * base;
      share += active * base;
    }
    return { metric, share };
  });
  const pooledMetric = ratioSums.reduce((t, r) => t + r.metric, 0);
  const pooledShare = ratioSums.reduce((t, r) => t + r.share, 0);
  const pooledRatio = pooledShare > 0 ? pooledMetric / pooledShare : 0;
  return shares.map((forecast, i) => {
    const sums = ratioSums[i] ?? { metric: 0, share: 0 };
    const own = sums.share > 0 && !forecast.pooled;
    const ratio = own ? sums.metric / sums.share : pooledRatio;
    return {
      pooled: forecast.pooled || !own,
      at(k) {
        const { value, se } = forecast.at(k);
        return { value: value * ratio, se: se * Math.abs(ratio) };
      },
    };
  });
}
