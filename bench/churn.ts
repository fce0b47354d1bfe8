/**
 * Churn benchmark: how good the shipped scorer is on the future it never saw, and how fast.
 *
 *   npx tsx bench/churn.ts [quality|cdnow|retail|speed|all] [--customers N] [--seed S]
 *
 * Every quality suite trains at T exactly as `retain train` does (rolling origins, candidates,
 * selection), then judges the shipped scorer and every peer on what happened in (T, T + H], which
 * training never read:
 *
 * quality  demo data (default 100,000 customers), T = the history's end, judged against the
 *          generator's truth.csv; also the posterior ceiling (the Bayesian posterior under the
 *          generator's own process) and the latent truth (unreachable: it knows the hidden state).
 * cdnow    ../shared/data/cdnow/CDNOW_master.txt, T = 1998-04-01, H = 90 (the data ends 1998-06-30).
 * retail   ../shared/data/online-retail (UCI Online Retail, loaded with the README's mapping),
 *          T = 2011-06-01 and T = 2011-09-09, H = 90 (the data ends 2011-12-09).
 * speed    demo data (default 1,000,000 customers): features, rolling origins, selection and the
 *          final fit to the saved model, scoring, peak RSS and the backend, in a process of its own.
 *
 * Peers are the baselines as fitted (recency, RFM logistic, boosted trees: refitted on all labelled
 * snapshots; BG/NBD: fitted on the customers at T), scored as their own probabilities. Demo data and
 * databases go to bench/out/ (git-ignored). Nothing here is a test: it prints figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ensureOrderCache,
  evaluate,
  type Metrics,
  scoreCustomers,
  type TrainResult,
  trainChurnModel,
} from '@retain/churn';
import { generateDemo } from '@retain/demo-data';
import { CANDIDATE_LABELS, CANDIDATE_NAMES, type CandidateName } from '@retain/schemas';
import {
  dbNumber,
  dbRow,
  dbText,
  ingest,
  mappingToRequests,
  sql,
  Warehouse,
  warehouseInfo,
} from '@retain/warehouse';
import { ONLINE_RETAIL_FILE, ONLINE_RETAIL_MAPPING } from '@retain/warehouse/testing';
import { CDNOW, cdnowPurchases } from './lib/cdnow.ts';
import { formatBytes, printTable, runMeasured } from './lib/measure.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'out');
const MODES = ['quality', 'cdnow', 'retail', 'speed', 'all', 'speed-run'] as const;
type Mode = (typeof MODES)[number];

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { customers: { type: 'string' }, seed: { type: 'string', default: '42' } },
});
const mode = (positionals.find((p) => (MODES as readonly string[]).includes(p)) ?? 'all') as Mode;
const seed = Number(args.seed);

const fixed = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`;
const log = (text: string) => console.error(text);

/** The peers the shipped scorer must not lose to, as the issue of record names them. */
const PEERS = ['recency', 'rfmLogistic', 'gbt', 'bgnbd'] as const;
type Peer = (typeof PEERS)[number];
const PEER_LABELS: Record<Peer, string> = {
  recency: 'recency (days since last order)',
  rfmLogistic: 'RFM logistic regression',
  gbt: 'gradient-boosted trees',
  bgnbd: 'BG/NBD, P(no purchase in H)',
};

/** One data set's hidden-future result, for the summary table at the end. */
interface Outcome {
  dataSet: string;
  selected: CandidateName;
  shipped: Metrics;
  peers: Record<Peer, Metrics>;
  validationCalibrationError: number;
}
const outcomes: Outcome[] = [];

/** Demo CSVs (with truth.csv) in bench/out/demo-N, loaded once into bench/out/churn-N.duckdb. */
async function demoWarehouse(customers: number): Promise<{ warehouse: Warehouse; dir: string }> {
  fs.mkdirSync(OUT, { recursive: true });
  const dir = path.join(OUT, `demo-${customers}`);
  if (!fs.existsSync(path.join(dir, 'truth.csv'))) {
    log(`generating demo data for ${customers.toLocaleString('en-US')} customers in ${dir} …`);
    await generateDemo({ outDir: dir, customers, seed: 42 });
  }
  const warehouse = await Warehouse.open(path.join(OUT, `churn-${customers}.duckdb`));
  if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
    log('loading it into the warehouse …');
    await ingest(
      warehouse,
      (['customers', 'purchases', 'complaints', 'returns'] as const).map((section) => ({
        section,
        file: path.join(dir, `${section}.csv`),
      })),
    );
  }
  return { warehouse, dir };
}

function progressLogger() {
  let phase = '';
  const started = performance.now();
  return (p: { phase: string; message: string; epoch?: number }) => {
    const at = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    if (p.phase !== phase || p.epoch === undefined) log(`  ${at} s  ${p.phase}: ${p.message}`);
    phase = p.phase;
  };
}

async function shippedScores(warehouse: Warehouse, result: TrainResult): Promise<Map<string, number>> {
  const rows = await warehouse.query(
    sql`SELECT customer_id, churn_probability FROM scores
        WHERE model_id = ${result.modelId} AND as_of = CAST(${result.asOf} AS DATE)`,
    dbRow({ customer_id: dbText, churn_probability: dbNumber }),
  );
  return new Map(rows.map((row) => [row.customer_id, row.churn_probability]));
}

const METRIC_HEADERS = ['', 'ROC AUC', 'PR AUC', 'Brier', 'log loss', 'calib. error', 'lift@10%'];
function metricRow(name: string, m: Metrics): string[] {
  return [
    name,
    fixed(m.auc),
    fixed(m.prAuc),
    fixed(m.brier),
    fixed(m.logLoss),
    fixed(m.calibrationError),
    fixed(m.liftTop10, 3),
  ];
}

/** The selection as training saw it: every candidate on the pooled out-of-time rows. */
function printSelection(r: TrainResult): void {
  console.log(
    `\nOut of time (what selection saw): ${r.origins.length} rolling origin(s) ` +
      `${r.origins.map((o) => `${o.snapshot} (${o.rows.toLocaleString('en-US')} customers, fitted on ${o.trainingRows.toLocaleString('en-US')} rows)`).join(', ')}:`,
  );
  const interval = (i: { value: number | null; lower: number | null; upper: number | null }) =>
    `${fixed(i.value)} (${fixed(i.lower)}–${fixed(i.upper)})`;
  printTable(
    ['candidate', 'ROC AUC (95 %)', 'vs selected', 'PR AUC (95 %)', 'Brier', 'calib. error'],
    r.candidates.map((c) => [
      `${c.name === r.selection.name ? '* ' : '  '}${c.label}`,
      interval(c.auc),
      c.versusSelected
        ? `${signed(c.versusSelected.difference)} ± ${fixed(c.versusSelected.se)}`
        : 'selected',
      interval(c.prAuc),
      fixed(c.brier.value),
      fixed(c.metrics.calibrationError),
    ]),
  );
  console.log(`selected: ${r.selection.name} — ${r.selection.reason}`);
  if (r.selection.warning) console.log(`warning: ${r.selection.warning}`);
  for (const note of r.notes) console.log(`note: ${note}`);
}

/**
 * Trains at T, then judges on the hidden future: `truth(ids)` gives each scored customer's label
 * (1 = no order in (T, T + H]). Extra rows (the demo's ceilings) come from `extra`.
 */
async function judgeOnFuture(
  dataSet: string,
  warehouse: Warehouse,
  train: { asOf?: string; horizonDays?: number },
  truth: (ids: string[]) => Promise<{ ids: string[]; labels: number[]; extra?: [string, number[]][] }>,
): Promise<void> {
  const result = await trainChurnModel(warehouse, {
    ...train,
    seed,
    scoreCandidatesAtAsOf: true,
    onProgress: progressLogger(),
  });
  console.log(
    `model ${result.modelId}, backend ${result.backend}, trained and scored in ${result.trainSeconds.toFixed(1)} s`,
  );
  printSelection(result);
  const shipped = await shippedScores(warehouse, result);
  const at = result.scoresAtAsOf;
  if (!at) throw new Error('the run did not score the candidates at T');
  const { ids, labels, extra } = await truth([...shipped.keys()]);
  const index = new Map(at.customerId.map((id, i) => [id, i]));
  const aligned = (values: Float64Array) => ids.map((id) => values[index.get(id) ?? -1] ?? Number.NaN);
  const shippedMetrics = evaluate(
    ids.map((id) => shipped.get(id) ?? Number.NaN),
    labels,
  );
  const peers = Object.fromEntries(PEERS.map((p) => [p, evaluate(aligned(at.peers[p]), labels)])) as Record<
    Peer,
    Metrics
  >;
  const candidates = CANDIDATE_NAMES.filter((c) => at.candidates[c]).map(
    (c) => [c, evaluate(aligned(at.candidates[c]), labels)] as const,
  );
  console.log(
    `\nHidden future: the ${result.horizonDays} days after ${result.asOf} (${ids.length.toLocaleString('en-US')} customers, ` +
      `churn rate ${(shippedMetrics.churnRate * 100).toFixed(1)} %):`,
  );
  printTable(METRIC_HEADERS, [
    metricRow(`shipped: ${CANDIDATE_LABELS[result.selection.name]}`, shippedMetrics),
    ...PEERS.map((p) => metricRow(`peer: ${PEER_LABELS[p]}`, peers[p])),
    ...candidates.map(([c, m]) => metricRow(`candidate as it would ship: ${CANDIDATE_LABELS[c]}`, m)),
    ...(extra ?? []).map(([name, values]) => metricRow(name, evaluate(values, labels))),
  ]);
  const best = PEERS.reduce((a, b) => ((peers[b].auc ?? 0) > (peers[a].auc ?? 0) ? b : a));
  const margin = (shippedMetrics.auc ?? 0) - (peers[best].auc ?? 0);
  console.log(
    `shipped AUC − best peer (${PEER_LABELS[best]}) = ${signed(margin)} (target ≥ +0.0030: ${margin >= 0.003 ? 'met' : 'not met'}); ` +
      `calibration error on the validation rows ${fixed(result.validation.calibrationError)} (target ≤ 0.0300)`,
  );
  outcomes.push({
    dataSet,
    selected: result.selection.name,
    shipped: shippedMetrics,
    peers,
    validationCalibrationError: result.validation.calibrationError,
  });
}

async function quality(customers: number): Promise<void> {
  console.log(
    `\n## Demo data: ${customers.toLocaleString('en-US')} customers, T = the history's end, H = 90`,
  );
  const { warehouse, dir } = await demoWarehouse(customers);
  try {
    await judgeOnFuture(`demo (${customers.toLocaleString('en-US')})`, warehouse, {}, async (scored) => {
      const lines = fs.readFileSync(path.join(dir, 'truth.csv'), 'utf8').trim().split('\n');
      const header = (lines[0] ?? '').split(',');
      const col = (name: string) => header.indexOf(name);
      const [iy, il, ip] = [
        col('churned_next_90d'),
        col('latent_churn_probability'),
        col('posterior_churn_probability'),
      ];
      const rows = new Map(lines.slice(1).map((line) => [line.slice(0, line.indexOf(',')), line.split(',')]));
      const ids = scored.filter((id) => rows.has(id));
      const cells = ids.map((id) => rows.get(id) ?? []);
      const posterior = cells.map((c) => (ip >= 0 && c[ip] !== '' ? Number(c[ip]) : Number.NaN));
      return {
        ids,
        labels: cells.map((c) => Number(c[iy])),
        extra: [
          ...(posterior.every((v) => !Number.isNaN(v))
            ? [['posterior under the generator (the ceiling)', posterior] as [string, number[]]]
            : []),
          ['latent truth (unreachable)', cells.map((c) => Number(c[il]))],
        ],
      };
    });
  } finally {
    warehouse.close();
  }
}

/** Realised churn in (T, T + H] read from the warehouse's own later orders (which training never reads). */
function futureFromWarehouse(warehouse: Warehouse, asOf: string, horizonDays: number) {
  return async (scored: string[]) => {
    const rows = await warehouse.query(
      sql.named(
        `SELECT DISTINCT customer_id FROM purchases
         WHERE order_date >= CAST($asOf AS DATE) + INTERVAL 1 DAY
           AND order_date < CAST($asOf AS DATE) + to_days(CAST($h AS INTEGER) + 1)`,
        { asOf, h: horizonDays },
      ),
      dbRow({ customer_id: dbText }),
    );
    const buyers = new Set(rows.map((row) => row.customer_id));
    return { ids: scored, labels: scored.map((id) => (buyers.has(id) ? 0 : 1)) };
  };
}

async function cdnow(): Promise<void> {
  console.log('\n## CDNOW: T = 1998-04-01, H = 90 (the data ends 1998-06-30)');
  if (!fs.existsSync(CDNOW)) {
    console.log(`skipped: ${CDNOW} is absent (../shared/data is not checked out)`);
    return;
  }
  const warehouse = await Warehouse.open(path.join(OUT, 'churn-cdnow.duckdb'));
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
      await ingest(warehouse, [{ section: 'purchases', file: cdnowPurchases(OUT) }]);
    }
    const asOf = '1998-04-01';
    await judgeOnFuture(
      'CDNOW',
      warehouse,
      { asOf, horizonDays: 90 },
      futureFromWarehouse(warehouse, asOf, 90),
    );
  } finally {
    warehouse.close();
  }
}

async function retail(): Promise<void> {
  if (!fs.existsSync(ONLINE_RETAIL_FILE)) {
    console.log(`\n## UCI Online Retail: skipped, ${ONLINE_RETAIL_FILE} is absent`);
    return;
  }
  const warehouse = await Warehouse.open(path.join(OUT, 'churn-retail.duckdb'));
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
      await ingest(warehouse, mappingToRequests(ONLINE_RETAIL_MAPPING, OUT));
    }
    for (const asOf of ['2011-06-01', '2011-09-09']) {
      console.log(`\n## UCI Online Retail: T = ${asOf}, H = 90 (the data runs 2010-12-01 to 2011-12-09)`);
      await judgeOnFuture(
        `Online Retail, T = ${asOf}`,
        warehouse,
        { asOf, horizonDays: 90 },
        futureFromWarehouse(warehouse, asOf, 90),
      );
    }
  } finally {
    warehouse.close();
  }
}

function printSummary(): void {
  if (outcomes.length === 0) return;
  console.log('\n## Summary: hidden-future ROC AUC / PR AUC / Brier, shipped scorer against each peer');
  const cell = (m: Metrics) => `${fixed(m.auc)} / ${fixed(m.prAuc)} / ${fixed(m.brier)}`;
  printTable(
    ['data set', 'selected', 'shipped', ...PEERS.map((p) => p), 'AUC − best peer', 'validation calib. error'],
    outcomes.map((o) => {
      const best = Math.max(...PEERS.map((p) => o.peers[p].auc ?? 0));
      return [
        o.dataSet,
        o.selected,
        cell(o.shipped),
        ...PEERS.map((p) => cell(o.peers[p])),
        signed((o.shipped.auc ?? 0) - best),
        fixed(o.validationCalibrationError),
      ];
    }),
  );
}

/** The timed part of `speed`, in a process of its own so that its peak RSS is its own. */
async function speedRun(customers: number): Promise<void> {
  const warehouse = await Warehouse.open(path.join(OUT, `churn-${customers}.duckdb`));
  // The order cache is built once per ingest (the first training after a load pays for it): timed apart.
  const cacheStarted = performance.now();
  await ensureOrderCache(warehouse, { rebuild: true });
  const cacheSeconds = (performance.now() - cacheStarted) / 1000;
  const marks: Record<string, number> = {};
  // CPU seconds of every thread of the process: on a shared machine steadier than wall time.
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const cpuStarted = cpu();
  const started = performance.now();
  const result = await trainChurnModel(warehouse, {
    seed,
    onProgress: (p) => {
      marks[p.phase] ??= (performance.now() - started) / 1000;
      if (p.phase === 'scoring') marks.cpuTraining ??= cpu() - cpuStarted;
    },
  });
  const cpuScoring = cpu();
  const score = await scoreCustomers(warehouse, {});
  warehouse.close();
  console.log(
    JSON.stringify({
      backend: result.backend,
      cacheSeconds,
      featuresSeconds: marks['validation-fit'],
      originsSeconds: (marks.baselines ?? 0) - (marks['validation-fit'] ?? 0),
      finalSeconds: (marks.scoring ?? 0) - (marks['final-fit'] ?? 0),
      trainingSeconds: marks.scoring,
      trainSeconds: result.trainSeconds,
      origins: result.origins.length,
      rows: result.rows,
      selected: result.selection.name,
      pooledAuc: result.validation.auc,
      scoreSeconds: score.seconds,
      scoredCustomers: score.customers,
      cpuTrainingSeconds: marks.cpuTraining,
      cpuScoringSeconds: cpu() - cpuScoring,
    }),
  );
}

async function speed(customers: number): Promise<void> {
  console.log(`\n## Speed: ${customers.toLocaleString('en-US')} demo customers`);
  const { warehouse } = await demoWarehouse(customers);
  const info = await warehouseInfo(warehouse);
  warehouse.close();
  console.log(
    `${info.purchases.orders.toLocaleString('en-US')} orders, ${info.purchases.rows.toLocaleString('en-US')} order lines, ` +
      `${info.complaints.rows.toLocaleString('en-US')} complaints, ${info.returns.rows.toLocaleString('en-US')} returns`,
  );
  const run = await runMeasured(process.execPath, [
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    'speed-run',
    '--customers',
    String(customers),
    '--seed',
    String(seed),
  ]);
  if (run.code !== 0) {
    console.log(`the timed run failed (exit ${run.code}):\n${run.stderr.slice(-2000)}`);
    return;
  }
  const r = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
  printTable(
    ['figure', 'value', 'target'],
    [
      ['backend', r.backend, 'tfjs-node if it loads, else wasm'],
      ['order cache (built once per ingest, before the timings below)', `${r.cacheSeconds.toFixed(1)} s`, ''],
      ['features for the labelled snapshots', `${r.featuresSeconds.toFixed(1)} s`, ''],
      [`fits and scoring at ${r.origins} rolling origins`, `${r.originsSeconds.toFixed(1)} s`, ''],
      ['final fit, importance and saving', `${r.finalSeconds.toFixed(1)} s`, ''],
      [
        'features + training to the saved model (origins, stack, selection)',
        `${r.trainingSeconds.toFixed(1)} s (CPU ${r.cpuTrainingSeconds.toFixed(1)} s)`,
        '≤ 40 s',
      ],
      ['whole `train` (with scoring at T)', `${r.trainSeconds.toFixed(1)} s`, ''],
      [
        `scoring ${r.scoredCustomers.toLocaleString('en-US')} customers (features, reasons, write)`,
        `${r.scoreSeconds.toFixed(1)} s (CPU ${r.cpuScoringSeconds.toFixed(1)} s)`,
        '≤ 10 s',
      ],
      ['peak RSS of the process (worker thread included)', formatBytes(run.peakRss), '≤ 3 GB'],
      ['selected scorer (pooled out-of-time AUC)', `${r.selected} (${fixed(r.pooledAuc)})`, ''],
      ['rows judged out of time / fitted finally', `${r.rows.validation} / ${r.rows.final}`, ''],
    ],
  );
}

const customersFlag = args.customers ? Number(args.customers) : undefined;
if (mode === 'speed-run') await speedRun(customersFlag ?? 1_000_000);
else {
  if (mode === 'quality' || mode === 'all') await quality(customersFlag ?? 100_000);
  if (mode === 'cdnow' || mode === 'all') await cdnow();
  if (mode === 'retail' || mode === 'all') await retail();
  printSummary();
  if (mode === 'speed' || mode === 'all') await speed(customersFlag ?? 1_000_000);
}
