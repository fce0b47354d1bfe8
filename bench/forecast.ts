/**
 * Forecast benchmark. Backtest: the last 6 months of UCI Online Retail and of CDNOW are hidden
 * (the matrix is read as of the day before them), every hidden cell of a cohort with at least 100
 * customers is forecast, and the forecasts are scored against the full data beside two naive
 * baselines (the previous cohort at the same age; the mean of the last three cohorts at that age).
 * Speed: the monthly matrix of the demo retailer with and without forecasts, and the forecast step
 * alone, once the rollup exists.
 *
 *   npx tsx bench/forecast.ts [backtest|speed|all] [--customers 1000000] [--runs 5] [--db file]
 *
 * The speed case reuses the analytics benchmark's database of the same size when it exists
 * (bench/out/analytics-N.duckdb), else generates and loads the demo into bench/out/forecast-N.duckdb.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cohortMatrix } from '@retain/analytics';
import { generateDemo } from '@retain/demo-data';
import { type CohortMatrix, cohortMatrixInputSchema } from '@retain/schemas';
import { ingest, mappingToRequests, Warehouse, warehouseInfo } from '@retain/warehouse';
import { ONLINE_RETAIL_FILE, ONLINE_RETAIL_MAPPING } from '@retain/warehouse/testing';
import { CDNOW, cdnowPurchases } from './lib/cdnow.ts';
import { printTable } from './lib/measure.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    customers: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    runs: { type: 'string', default: '5' },
    db: { type: 'string' },
  },
});
const mode = positionals[0] ?? 'all';
const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'out');
const MIN_COHORT = 100;

interface Scored {
  cohort: string;
  k: number;
  truth: number;
  forecast: number;
  lower: number;
  upper: number;
  previous: number;
  lastThree: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const points = (x: number) => `${(100 * x).toFixed(2)} pts`;

/**
 * The naive baselines at (cohort, age): the latest earlier cohort observed at that age, and the
 * mean of the (up to) three latest. Where no earlier cohort has reached that age, both carry the
 * cohort's own latest observed value forward; a cohort with none takes the previous cohort's.
 */
function baselines(matrix: CohortMatrix, index: number, k: number): { previous: number; lastThree: number } {
  const row = matrix.cohorts[index];
  const earlier: number[] = [];
  for (let i = index - 1; i >= 0 && earlier.length < 3; i--) {
    const other = matrix.cohorts[i];
    const value = other?.values[k];
    if (other?.complete[k] && value !== null && value !== undefined) earlier.push(value);
  }
  if (earlier.length > 0) {
    return { previous: earlier[0] ?? 0, lastThree: earlier.reduce((t, v) => t + v, 0) / earlier.length };
  }
  let carried: number | null = null;
  row?.values.forEach((value, j) => {
    if (j >= 1 && row.complete[j] && value !== null) carried = value;
  });
  if (carried !== null) return { previous: carried, lastThree: carried };
  return index > 0 ? baselines(matrix, index - 1, k) : { previous: 0, lastThree: 0 };
}

async function backtest(name: string, warehouse: Warehouse, asOf: string): Promise<Scored[]> {
  const input = (extra: object) =>
    cohortMatrixInputSchema.parse({ period: 'month', metric: 'customers', mode: 'on', ...extra });
  const full = await cohortMatrix(warehouse, input({}));
  const seen = await cohortMatrix(warehouse, input({ forecast: true, filters: { to: asOf } }));
  const truthOf = new Map(full.cohorts.map((row) => [row.cohort, row]));
  const scored: Scored[] = [];
  let hidden = 0;
  seen.cohorts.forEach((row, index) => {
    if (row.size < MIN_COHORT) return;
    const truth = truthOf.get(row.cohort);
    truth?.complete.forEach((complete, k) => {
      if (complete && !row.complete[k] && truth.values[k] !== null) hidden += 1;
    });
    for (const cell of row.cells ?? []) {
      if (cell.kind === 'observed' || cell.lower === null || cell.upper === null) continue;
      const actual = truth?.values[cell.k];
      if (!truth?.complete[cell.k] || actual === null || actual === undefined) continue;
      scored.push({
        cohort: row.cohort,
        k: cell.k,
        truth: actual,
        forecast: cell.value,
        lower: cell.lower,
        upper: cell.upper,
        ...baselines(seen, index, cell.k),
      });
    }
  });
  console.log(
    `\n## ${name}: as of ${asOf} (data to ${full.dataEnd}); ${scored.length} hidden cells of ${new Set(scored.map((s) => s.cohort)).size} cohorts with ≥ ${MIN_COHORT} customers`,
  );
  if (seen.forecast) {
    console.log(
      `horizon: ages up to ${seen.forecast.horizon} (twice the oldest complete age, ${seen.forecast.oldestAge}): ${scored.length} of the ${hidden} hidden cells are forecast; pooled level: ${seen.forecast.pooledCohorts.join(', ') || 'none'}`,
    );
  }
  if (process.env.FORECAST_DEBUG)
    for (const s of scored)
      console.log(
        s.cohort,
        s.k,
        s.truth.toFixed(3),
        s.forecast.toFixed(3),
        s.lower.toFixed(3),
        s.upper.toFixed(3),
        s.previous.toFixed(3),
      );
  const mae = (pick: (s: Scored) => number) =>
    scored.reduce((t, s) => t + Math.abs(pick(s) - s.truth), 0) / Math.max(scored.length, 1);
  const coverage =
    scored.filter((s) => s.truth >= s.lower && s.truth <= s.upper).length / Math.max(scored.length, 1);
  const model = mae((s) => s.forecast);
  const previous = mae((s) => s.previous);
  const lastThree = mae((s) => s.lastThree);
  printTable(
    ['method', 'MAE', 'vs model', '80 % interval coverage'],
    [
      ['forecast (BG/BB purchase process)', points(model), '1.00', pct(coverage)],
      ['previous cohort at the same age', points(previous), (previous / model).toFixed(2), '—'],
      ['mean of the last three cohorts', points(lastThree), (lastThree / model).toFixed(2), '—'],
    ],
  );
  return scored;
}

async function withLoaded(
  file: string,
  load: (w: Warehouse) => Promise<unknown>,
  task: (w: Warehouse) => Promise<void>,
) {
  const warehouse = await Warehouse.open(path.join(OUT, file));
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) await load(warehouse);
    await task(warehouse);
  } finally {
    warehouse.close();
  }
}

async function backtests(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  if (fs.existsSync(ONLINE_RETAIL_FILE)) {
    await withLoaded(
      'forecast-retail.duckdb',
      (w) => ingest(w, mappingToRequests(ONLINE_RETAIL_MAPPING, OUT)),
      async (w) => {
        // The data ends 2011-12-09: June to November 2011 are the six hidden complete months.
        await backtest('UCI Online Retail', w, '2011-05-31');
      },
    );
  } else console.log(`\n## UCI Online Retail: skipped, ${ONLINE_RETAIL_FILE} is absent`);
  if (fs.existsSync(CDNOW)) {
    await withLoaded(
      'forecast-cdnow.duckdb',
      (w) => ingest(w, [{ section: 'purchases', file: cdnowPurchases(OUT) }]),
      async (w) => {
        await backtest('CDNOW', w, '1997-12-31');
      },
    );
  } else console.log(`\n## CDNOW: skipped, ${CDNOW} is absent`);
}

async function speed(): Promise<void> {
  const customers = Number(args.customers);
  const runs = Math.max(1, Number(args.runs));
  const csvDir = path.join(OUT, `demo-${customers}`);
  const shared = path.join(OUT, `analytics-${customers}.duckdb`);
  const dbFile = args.db ?? (fs.existsSync(shared) ? shared : path.join(OUT, `forecast-${customers}.duckdb`));
  console.log(
    `\n## Speed: matrices of ${customers.toLocaleString('en-US')} demo customers (${path.basename(dbFile)})`,
  );
  if (!fs.existsSync(dbFile) && !fs.existsSync(path.join(csvDir, 'purchases.csv'))) {
    await generateDemo({ outDir: csvDir, customers, seed: Number(args.seed) });
  }
  const warehouse = await Warehouse.open(dbFile);
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
      const sections = ['customers', 'purchases', 'complaints', 'returns'] as const;
      await ingest(
        warehouse,
        sections.map((section) => ({ section, file: path.join(csvDir, `${section}.csv`) })),
      );
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
    const rows: string[][] = [];
    let monthWithForecasts = 0;
    // The monthly matrix (36 months), and the dashboard's weekly and daily views (52 weeks, 60 days).
    for (const view of [
      { period: 'month' as const },
      { period: 'week' as const, maxOffset: 52 },
      { period: 'day' as const, maxOffset: 60 },
    ]) {
      const plain = cohortMatrixInputSchema.parse(view);
      const forecast = cohortMatrixInputSchema.parse({ ...view, forecast: true });
      await cohortMatrix(warehouse, plain); // builds the rollup if it is missing
      const timesPlain: number[] = [];
      const timesForecast: number[] = [];
      let shape = '';
      for (let i = 0; i < runs; i++) {
        let started = performance.now();
        await cohortMatrix(warehouse, plain);
        timesPlain.push(performance.now() - started);
        started = performance.now();
        const m = await cohortMatrix(warehouse, forecast);
        timesForecast.push(performance.now() - started);
        shape = `${m.cohorts.length} cohorts, ${m.cohorts.reduce((t, c) => t + (c.cells?.length ?? 0), 0)} cells`;
      }
      const base = median(timesPlain);
      const withForecast = median(timesForecast);
      if (view.period === 'month') monthWithForecasts = withForecast;
      rows.push(
        [`${view.period}: matrix (baseline)`, `${(base / 1000).toFixed(2)} s`, '1.00'],
        [
          `${view.period}: with forecasts (${shape})`,
          `${(withForecast / 1000).toFixed(2)} s`,
          (withForecast / base).toFixed(2),
        ],
      );
    }
    printTable([`run (median of ${runs})`, 'time', 'ratio to the matrix'], rows);
    const withForecast = monthWithForecasts;
    console.log(
      `target: the monthly matrix with forecasts in ≤ 2 s: ${withForecast <= 2000 ? 'met' : 'missed'}`,
    );
  } finally {
    warehouse.close();
  }
}

if (mode === 'backtest' || mode === 'all') await backtests();
if (mode === 'speed' || mode === 'all') await speed();
