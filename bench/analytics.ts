/**
 * Analytics benchmark: the monthly cohort matrix, repeat purchase, complaint/return impact and
 * KPIs, each timed through the tRPC caller (cold: an empty result cache) and, in the same run, as
 * the same SQL statements run bare on DuckDB; then cached. Demo data is generated into bench/out/
 * (git-ignored) and loaded on first use.
 *
 *   npx tsx bench/analytics.ts [--customers 1000000] [--seed 42] [--runs 5] [--json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildAnalyticsRollup,
  cellsOptions,
  cohortCellsPlan,
  impactPlan,
  kpisPlan,
  type RollupState,
  readRollupState,
  repeatPlan,
} from '@retain/analytics';
import { contextFor, createCaller, createServices, LOCAL_VIEWER } from '@retain/api';
import { generateDemo } from '@retain/demo-data';
import {
  cohortMatrixInputSchema,
  impactInputSchema,
  kpisInputSchema,
  repeatInputSchema,
} from '@retain/schemas';
import { type Dialect, dbRecord, ingest, type Sql, Warehouse, warehouseInfo } from '@retain/warehouse';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const customers = Number(args.customers);
const runs = Math.max(1, Number(args.runs));
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const csvDir = path.join(OUT, `demo-${customers}`);
const dbFile = path.join(OUT, `analytics-${customers}.duckdb`);

const TARGETS = { ratio: 1.2, matrixColdMs: 1500, cachedMs: 20 };

const log = (text: string) => {
  if (!args.json) console.error(text);
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(task: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await task();
  return [result, performance.now() - started];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

// 1. Data: generated and loaded once, then reused by later runs.
const setup: Record<string, number> = {};
if (!fs.existsSync(path.join(csvDir, 'purchases.csv'))) {
  log(`generating ${customers.toLocaleString('en-US')} demo customers into ${csvDir} …`);
  const [, ms] = await timed(() => generateDemo({ outDir: csvDir, customers, seed: Number(args.seed) }));
  setup.generateMs = ms;
}
{
  const warehouse = await Warehouse.open(dbFile);
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
      log(`loading ${csvDir} into ${dbFile} …`);
      const sections = ['customers', 'purchases', 'complaints', 'returns'] as const;
      const [, ms] = await timed(() =>
        ingest(
          warehouse,
          sections.map((section) => ({ section, file: path.join(csvDir, `${section}.csv`) })),
        ),
      );
      setup.ingestMs = ms;
    }
    // 2. The analytics rollup, rebuilt on purpose so that its cost is measured every run.
    log('building the analytics rollup …');
    const [state, ms] = await timed(() => buildAnalyticsRollup(warehouse, true));
    setup.rollupBuildMs = ms;
    setup.dataVersion = state.dataVersion;
  } finally {
    warehouse.close();
  }
}

// 3. Queries, on a freshly opened database so that the first call is truly cold.
const warehouse = await Warehouse.open(dbFile);
const info = await warehouseInfo(warehouse);
const inputs = {
  matrix: cohortMatrixInputSchema.parse({ period: 'month', metric: 'customers' }),
  repeat: repeatInputSchema.parse({ withinDays: 90 }),
  impact: impactInputSchema.parse({}),
  kpis: kpisInputSchema.parse({}),
};
type Case = keyof typeof inputs;
const viaCaller: Record<Case, (caller: ReturnType<typeof createCaller>) => Promise<unknown>> = {
  matrix: (c) => c.cohorts.matrix(inputs.matrix),
  repeat: (c) => c.repeat.summary(inputs.repeat),
  impact: (c) => c.impact.summary(inputs.impact),
  kpis: (c) => c.overview.kpis(inputs.kpis),
};
/** The statements each procedure runs, from the same plan functions the engine uses. */
const statements: Record<Case, (state: RollupState, dialect: Dialect) => Array<Sql | null>> = {
  matrix: (s) => {
    const plan = cohortCellsPlan(s, cellsOptions(inputs.matrix, 'period'));
    return [plan.orders, plan.returns];
  },
  repeat: (s) => {
    const plan = repeatPlan(s, inputs.repeat);
    return [plan.rates, plan.distributions];
  },
  impact: (s) => {
    const plan = impactPlan(s, inputs.impact);
    return [
      plan.byComplaint.plan.orders,
      plan.byComplaint.plan.returns,
      plan.byReturn.plan.orders,
      plan.byReturn.plan.returns,
      plan.returnRates,
      plan.repeat.query,
      plan.resolutionSpeed,
    ];
  },
  kpis: (s, dialect) => {
    const plan = kpisPlan(s, inputs.kpis, { dialect });
    // The at-risk statement runs only where churn scores were in force at the as-of day.
    return [plan.orders, plan.complaints];
  },
};

async function direct(name: Case): Promise<number> {
  return warehouse.snapshot(async (db) => {
    const state = await readRollupState(db);
    if (!state) throw new Error('the rollup is stale');
    const list = statements[name](state, db.dialect).filter((q): q is Sql => q !== null);
    const started = performance.now();
    for (const q of list) await db.query(q, dbRecord);
    return performance.now() - started;
  });
}

const [, firstCallMs] = await timed(() =>
  viaCaller.matrix(createCaller(contextFor(createServices(warehouse), LOCAL_VIEWER))),
);
const results = [];
for (const name of Object.keys(inputs) as Case[]) {
  log(`timing ${name} …`);
  await viaCaller[name](createCaller(contextFor(createServices(warehouse), LOCAL_VIEWER)));
  await direct(name);
  const callerMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    callerMs.push(
      (
        await timed(() => viaCaller[name](createCaller(contextFor(createServices(warehouse), LOCAL_VIEWER))))
      )[1],
    );
    directMs.push(await direct(name));
  }
  const cachedCaller = createCaller(contextFor(createServices(warehouse), LOCAL_VIEWER));
  await viaCaller[name](cachedCaller);
  const cachedMs: number[] = [];
  for (let i = 0; i < 20; i++) cachedMs.push((await timed(() => viaCaller[name](cachedCaller)))[1]);
  const cold = median(callerMs);
  const bare = median(directMs);
  results.push({
    name,
    callerColdMs: cold,
    directSqlMs: bare,
    ratio: cold / bare,
    cachedMs: median(cachedMs),
  });
}
warehouse.close();
const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;

const matrix = results.find((r) => r.name === 'matrix');
const checks = {
  ratio: results.every((r) => r.ratio <= TARGETS.ratio),
  matrixCold: (matrix?.callerColdMs ?? Number.POSITIVE_INFINITY) <= TARGETS.matrixColdMs,
  cached: results.every((r) => r.cachedMs <= TARGETS.cachedMs),
};

if (args.json) {
  console.log(
    JSON.stringify({ customers, info, setup, firstCallMs, results, peakRssMb, targets: TARGETS, checks }),
  );
} else {
  const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
  const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(16))).join('');
  console.log(
    [
      '',
      `Analytics benchmark: ${info.customers.withOrders.toLocaleString('en-US')} buyers, ` +
        `${info.purchases.orders.toLocaleString('en-US')} orders, ${info.purchases.rows.toLocaleString('en-US')} order lines ` +
        `(${info.purchases.from?.slice(0, 10)} … ${info.purchases.to?.slice(0, 10)}); median of ${runs} runs.`,
      ...(setup.generateMs ? [`  demo data generated   ${seconds(setup.generateMs)}`] : []),
      ...(setup.ingestMs ? [`  ingest                ${seconds(setup.ingestMs)}`] : []),
      `  rollup build          ${seconds(setup.rollupBuildMs ?? 0)}   (once per data version)`,
      `  first matrix call after opening the database: ${ms(firstCallMs)}`,
      '',
      pad(['', 'caller (cold)', 'direct SQL', 'ratio', 'cached']),
      ...results.map((r) =>
        pad([r.name, ms(r.callerColdMs), ms(r.directSqlMs), r.ratio.toFixed(2), ms(r.cachedMs)]),
      ),
      '',
      `peak RSS ${peakRssMb.toFixed(0)} MiB`,
      `targets: ratio ≤ ${TARGETS.ratio} ${checks.ratio ? 'met' : 'MISSED'}; ` +
        `cohort matrix cold ≤ ${TARGETS.matrixColdMs} ms ${checks.matrixCold ? 'met' : 'MISSED'}; ` +
        `cached ≤ ${TARGETS.cachedMs} ms ${checks.cached ? 'met' : 'MISSED'}.`,
    ].join('\n'),
  );
}
