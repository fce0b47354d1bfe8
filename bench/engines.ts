/**
 * Engines benchmark: the analytics rollup build, the monthly cohort matrix, the KPIs and churn's
 * feature extraction (the order cache build, then every customer's features at the last day, as a
 * scoring reads them) on the same seeded demo histories, on embedded DuckDB and on a Trino cluster with one worker, then two. Each
 * size is a number of order lines; the demo's customer count is picked to reach about that many.
 * The demo is generated and ingested into a DuckDB warehouse in bench/out/ (git-ignored) once per
 * size; for the cluster its facts tables are written to Parquet in the cluster's lake and mapped
 * there as external tables, in a schema of their own. Reads are cold: a fresh warehouse handle or a
 * fresh `analyticsOn` source each time (both read the rollup's state first, as a dashboard does).
 *
 * The suite starts and stops its own clusters (RETAIN_TRINO_DIR bench/out/trino-engines, port
 * 18580, 4 GB of heap per node) with `scripts/trino-cluster.mjs`; given RETAIN_TRINO_URL and RETAIN_TRINO_LAKE it uses
 * that cluster alone, as it is.
 *
 *   npx tsx bench/engines.ts [--lines 1000000,10000000] [--seed 42] [--runs 3] [--json]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type AnalyticsTarget,
  analyticsOn,
  buildAnalyticsRollup,
  buildEngineRollup,
  cohortMatrix,
  retentionKpis,
  sourceFingerprint,
} from '@retain/analytics';
import { ensureOrderCache, FeatureExtractor, type FeatureSource, orderRange } from '@retain/churn';
import { generateDemo } from '@retain/demo-data';
import { cohortMatrixInputSchema, kpisInputSchema } from '@retain/schemas';
import { parseTrinoUrl, TrinoDb } from '@retain/trino';
import { ingest, sql, Warehouse, warehouseInfo } from '@retain/warehouse';
import { ensureEngineOrderCache } from '../packages/churn/src/features/engineOrderCache.ts';
import { dropMappedSchema, FACT_SECTIONS, mapFacts } from '../packages/trino/src/testing/mappedDemo.ts';
import { printTable } from './lib/measure.ts';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000,10000000' },
    seed: { type: 'string', default: '42' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = args.lines
  .split(',')
  .map(Number)
  .filter((n) => Number.isFinite(n) && n > 0)
  .sort((a, b) => a - b);
const runs = Math.max(1, Number(args.runs));
const seed = Number(args.seed);
const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'out');
const ROOT = path.dirname(here);
/** Order lines per demo customer over the default three years (11.1 million lines at 1,000,000 customers). */
const LINES_PER_CUSTOMER = 11.1;
const CLUSTER_DIR = path.join(OUT, 'trino-engines');
const CLUSTER_PORT = '18580';
const WORKER_COUNTS = [1, 2];
/** Each node's heap on the suite's own clusters: 10 million lines need more than the tests' 1 GB. */
const CLUSTER_HEAP_MB = '4096';

const log = (text: string) => {
  if (!args.json) console.error(text);
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

async function medianOf(task: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(task));
  return median(times);
}

const inputs = {
  matrix: cohortMatrixInputSchema.parse({ period: 'month', metric: 'customers' }),
  kpis: kpisInputSchema.parse({}),
};

interface Row {
  engine: 'duckdb' | 'trino';
  workers: number | null;
  lines: number;
  customers: number;
  rollupBuildMs: number;
  matrixMs: number;
  kpisMs: number;
  /** Churn's order cache, built once per data version (the first training after a load pays it). */
  orderCacheMs: number;
  /** Every customer's features at the last day, read back (what a scoring reads). */
  featuresMs: number;
  featureRows: number;
}

/**
 * Times churn's order cache build and one extraction of every customer's features at the last
 * order day on `source`; the rows are read back to this process, as scoring reads them.
 */
async function timeFeatures(
  source: () => Promise<{ source: FeatureSource; close: () => void }>,
  rebuild: (source: FeatureSource) => Promise<void>,
): Promise<{ orderCacheMs: number; featuresMs: number; featureRows: number }> {
  let featureRows = 0;
  const withSource = async (task: (s: FeatureSource) => Promise<unknown>) => {
    const opened = await source();
    try {
      return await timed(() => task(opened.source));
    } finally {
      opened.close();
    }
  };
  const orderCacheMs = median(await repeat(() => withSource(rebuild)));
  const featuresMs = median(
    await repeat(() =>
      withSource(async (s) => {
        const range = await orderRange(s);
        if (!range) throw new Error('no purchases to extract features from');
        const extractor = await FeatureExtractor.open(s, range.lastDay);
        try {
          const table = await extractor.extract([{ day: range.lastDay, rate: 1 }], {
            labels: false,
            horizonDays: 90,
            seed,
          });
          featureRows = table.rows;
        } finally {
          await extractor.close();
        }
      }),
    ),
  );
  return { orderCacheMs, featuresMs, featureRows };
}

async function repeat(task: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await task());
  return times;
}

interface Size {
  lines: number;
  customers: number;
  dbFile: string;
}

/** The demo at about `lines` order lines, generated and ingested once (cached in bench/out). */
async function prepare(lines: number): Promise<Size> {
  const customers = Math.max(100, Math.round(lines / LINES_PER_CUSTOMER));
  const csvDir = path.join(OUT, `engines-demo-${customers}`);
  const dbFile = path.join(OUT, `engines-${customers}.duckdb`);
  if (!fs.existsSync(path.join(csvDir, 'purchases.csv'))) {
    log(`generating ${customers.toLocaleString('en-US')} demo customers into ${csvDir} …`);
    await generateDemo({ outDir: csvDir, customers, seed, posterior: false, program: false });
  }
  const warehouse = await Warehouse.open(dbFile);
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
      log(`loading ${csvDir} into ${dbFile} …`);
      await ingest(
        warehouse,
        FACT_SECTIONS.map((section) => ({ section, file: path.join(csvDir, `${section}.csv`) })),
      );
    }
    return { lines: (await warehouseInfo(warehouse)).purchases.rows, customers, dbFile };
  } finally {
    warehouse.close();
  }
}

async function onDuckDb(size: Size): Promise<Row> {
  log(`DuckDB, ${size.lines.toLocaleString('en-US')} lines …`);
  const fresh = async (task: (w: Warehouse) => Promise<unknown>) => {
    const warehouse = await Warehouse.open(size.dbFile);
    try {
      return await timed(() => task(warehouse));
    } finally {
      warehouse.close();
    }
  };
  const measure = async (task: (w: Warehouse) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await fresh(task));
    return median(times);
  };
  const rollupBuildMs = await measure((w) => buildAnalyticsRollup(w, true));
  const matrixMs = await measure((w) => cohortMatrix(w, inputs.matrix));
  const kpisMs = await measure((w) => retentionKpis(w, inputs.kpis));
  const features = await timeFeatures(
    async () => {
      const warehouse = await Warehouse.open(size.dbFile);
      return { source: warehouse, close: () => warehouse.close() };
    },
    (w) => ensureOrderCache(w as Warehouse, { rebuild: true }),
  );
  return {
    engine: 'duckdb',
    workers: null,
    lines: size.lines,
    customers: size.customers,
    rollupBuildMs,
    matrixMs,
    kpisMs,
    ...features,
  };
}

interface Cluster {
  url: string;
  lake: string;
}

function clusterScript(verb: string, extra: string[] = []): string {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'trino-cluster.mjs'), verb, ...extra],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        RETAIN_TRINO_DIR: CLUSTER_DIR,
        RETAIN_TRINO_PORT: CLUSTER_PORT,
        RETAIN_TRINO_HEAP_MB: process.env.RETAIN_TRINO_HEAP_MB ?? CLUSTER_HEAP_MB,
      },
    },
  );
  if (result.status !== 0) {
    throw new Error(`trino-cluster ${verb} failed: ${(result.stderr || result.stdout).trim().slice(-600)}`);
  }
  return result.stdout;
}

function startCluster(workers: number): Cluster {
  log(`starting a Trino cluster with ${workers} worker(s) in ${CLUSTER_DIR} …`);
  const url =
    clusterScript('start', ['--workers', String(workers)])
      .trim()
      .split('\n')
      .pop() ?? '';
  return { url, lake: fs.readFileSync(path.join(CLUSTER_DIR, 'lake-dir'), 'utf8').trim() };
}

/** Writes the size's facts to Parquet in the lake and maps them in a schema of their own. */
async function mapSize(cluster: Cluster, size: Size): Promise<TrinoDb> {
  const base = parseTrinoUrl(cluster.url);
  const schema = `bench_engines_${size.lines}`;
  const admin = new TrinoDb(base);
  const trino = new TrinoDb({ ...base, schema });
  const folder = path.join(cluster.lake, 'bench_engines', schema);
  await dropMappedSchema(admin, trino, schema);
  fs.rmSync(folder, { recursive: true, force: true });
  await admin.run(sql`CREATE SCHEMA ${sql.ident(schema)}`);
  const warehouse = await Warehouse.open(size.dbFile);
  try {
    await mapFacts(warehouse, trino, cluster.lake, folder);
  } finally {
    warehouse.close();
  }
  return trino;
}

/**
 * The cluster's active workers. Node keeps idle connections open: the first request to a cluster
 * restarted on the same port may go out on a socket of the one stopped, and be reset; it is retried.
 */
async function workerCount(cluster: Cluster): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new TrinoDb(parseTrinoUrl(cluster.url)).count(
        sql`SELECT count(*) FROM system.runtime.nodes WHERE state = 'active' AND NOT coordinator`,
      );
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function onTrino(cluster: Cluster, size: Size): Promise<Row> {
  const workers = await workerCount(cluster);
  log(`Trino, ${workers} worker(s), ${size.lines.toLocaleString('en-US')} lines: mapping the facts …`);
  const trino = await mapSize(cluster, size);
  const mapped = await trino.count(sql`SELECT count(*) FROM purchases`);
  if (mapped !== size.lines) throw new Error(`the cluster holds ${mapped} order lines, DuckDB ${size.lines}`);
  log('timing the rollup build, the matrix and the KPIs …');
  const rollupBuildMs = await medianOf(() => buildEngineRollup(trino, sourceFingerprint(trino.dialect)));
  const fresh = (): AnalyticsTarget => analyticsOn(trino);
  const matrixMs = await medianOf(() => cohortMatrix(fresh(), inputs.matrix));
  const kpisMs = await medianOf(() => retentionKpis(fresh(), inputs.kpis));
  log('timing the order cache and the feature extraction …');
  const features = await timeFeatures(
    async () => ({ source: trino, close: () => undefined }),
    (db) => ensureEngineOrderCache(db as TrinoDb, { rebuild: true }),
  );
  return {
    engine: 'trino',
    workers,
    lines: size.lines,
    customers: size.customers,
    rollupBuildMs,
    matrixMs,
    kpisMs,
    ...features,
  };
}

fs.mkdirSync(OUT, { recursive: true });
const prepared: Size[] = [];
for (const lines of sizes) prepared.push(await prepare(lines));
const rows: Row[] = [];
for (const size of prepared) rows.push(await onDuckDb(size));

const failures: Array<{ workers: number; error: string }> = [];
const given = process.env.RETAIN_TRINO_URL;
if (given) {
  const lake = process.env.RETAIN_TRINO_LAKE;
  if (!lake)
    throw new Error(
      'RETAIN_TRINO_URL is set but RETAIN_TRINO_LAKE (the folder behind its lake catalog) is not',
    );
  const cluster = { url: given, lake: path.resolve(lake) };
  for (const size of prepared) rows.push(await onTrino(cluster, size));
} else {
  for (const workers of WORKER_COUNTS) {
    try {
      const cluster = startCluster(workers);
      for (const size of prepared) rows.push(await onTrino(cluster, size));
    } catch (error) {
      // A cluster that fails (a node gone, a query out of memory) is reported; the other still runs.
      failures.push({ workers, error: error instanceof Error ? error.message : String(error) });
      log(`Trino with ${workers} worker(s) failed: ${failures.at(-1)?.error}`);
    } finally {
      log('stopping the cluster …');
      clusterScript('stop');
    }
  }
}

const measures = ['rollupBuildMs', 'matrixMs', 'kpisMs', 'orderCacheMs', 'featuresMs'] as const;
const baseline = (row: Row) => rows.find((r) => r.engine === 'duckdb' && r.lines === row.lines);
const smallest = (row: Row) =>
  rows.find((r) => r.engine === row.engine && r.workers === row.workers && r.lines === prepared[0]?.lines);
const ratios = (row: Row, to: Row | undefined) =>
  Object.fromEntries(measures.map((m) => [m, to ? row[m] / to[m] : null])) as Record<
    (typeof measures)[number],
    number | null
  >;
const results = rows.map((row) => ({
  ...row,
  ratioToDuckDb: ratios(row, baseline(row)),
  growthFromSmallest: prepared.length > 1 ? ratios(row, smallest(row)) : null,
}));

if (args.json) {
  console.log(JSON.stringify({ sizes: prepared, runs, results, failures }));
} else {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const triple = (r: Record<string, number | null> | null) =>
    r ? measures.map((m) => (r[m] === null ? '—' : (r[m] as number).toFixed(2))).join(' / ') : '—';
  console.log(
    `\nMedians of ${runs} cold runs. Features: churn's order cache build, then every customer's features at the last day read back (rows). Ratios and growth are rollup build / matrix / KPIs / order cache / features.\n`,
  );
  printTable(
    [
      'engine',
      'workers',
      'order lines',
      'rollup build',
      'matrix',
      'KPIs',
      'order cache',
      'features (rows)',
      'ratio to DuckDB',
      'growth',
    ],
    results.map((r) => [
      r.engine === 'duckdb' ? 'DuckDB (embedded)' : 'Trino',
      r.workers ?? '—',
      r.lines.toLocaleString('en-US'),
      seconds(r.rollupBuildMs),
      seconds(r.matrixMs),
      seconds(r.kpisMs),
      seconds(r.orderCacheMs),
      `${seconds(r.featuresMs)} (${r.featureRows.toLocaleString('en-US')})`,
      triple(r.ratioToDuckDb),
      r.lines === prepared[0]?.lines ? '—' : triple(r.growthFromSmallest),
    ]),
  );
}
for (const failure of failures)
  console.error(`Trino with ${failure.workers} worker(s): not measured (${failure.error})`);
if (failures.length > 0) process.exitCode = 1;
