/**
 * Churn benchmark: how good the model is, and how fast.
 *
 *   npx tsx bench/churn.ts [quality|cdnow|speed|all] [--customers N] [--seed S]
 *
 * quality  demo data (default 100,000 customers), trained and scored at the history's end, judged
 *          against the generator's truth.csv: AUC and calibration of the model, every baseline, the
 *          posterior ceiling (the Bayesian posterior under the generator's own process, from
 *          packages/demo-data) and the latent truth (unreachable: it knows each customer's hidden state).
 * cdnow    ../shared/data/cdnow/CDNOW_master.txt, T = 1998-04-01, H = 90 days: the model against
 *          BG/NBD on the 90 days that follow T (the data ends 1998-06-30).
 * speed    demo data (default 1,000,000 customers): features, training to early stop, scoring, peak
 *          RSS and the backend, in a child process of its own.
 *
 * Demo data and databases go to bench/out/ (git-ignored). Nothing here is a test: it prints figures.
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
import { ingest, Warehouse, warehouseInfo } from '@retain/warehouse';
import { formatBytes, printTable, runMeasured } from './lib/measure.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'out');
const CDNOW = path.resolve(here, '../../shared/data/cdnow/CDNOW_master.txt');
const MODES = ['quality', 'cdnow', 'speed', 'all', 'speed-run'] as const;
type Mode = (typeof MODES)[number];

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { customers: { type: 'string' }, seed: { type: 'string', default: '42' } },
});
const mode = (positionals.find((p) => (MODES as readonly string[]).includes(p)) ?? 'all') as Mode;
const seed = Number(args.seed);

const fixed = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? '–' : v.toFixed(digits);
const log = (text: string) => console.error(text);

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
  return (p: { phase: string; message: string; epoch?: number }) => {
    if (p.phase !== phase || (p.epoch !== undefined && p.epoch % 5 === 0)) log(`  ${p.phase}: ${p.message}`);
    phase = p.phase;
  };
}

async function modelScores(warehouse: Warehouse, result: TrainResult): Promise<Map<string, number>> {
  return warehouse.read(async (conn) => {
    const rows = (
      await conn.runAndReadAll(
        'SELECT customer_id, churn_probability FROM scores WHERE model_id = $m AND as_of = CAST($a AS DATE)',
        { m: result.modelId, a: result.asOf },
      )
    ).getRows();
    return new Map(rows.map(([id, p]) => [String(id), Number(p)]));
  });
}

function metricRow(name: string, m: Metrics): string[] {
  return [
    name,
    fixed(m.auc),
    fixed(m.prAuc),
    fixed(m.brier),
    fixed(m.logLoss),
    fixed(m.calibrationError),
    fixed(m.liftTop10, 3),
    fixed(m.captureTop10, 3),
  ];
}
const METRIC_HEADERS = [
  '',
  'ROC AUC',
  'PR AUC',
  'Brier',
  'log loss',
  'calib. error',
  'lift@10%',
  'capture@10%',
];

function printValidation(r: TrainResult): void {
  console.log(
    `\nOut-of-time validation at ${r.snapshots.validation} (labels from the ${r.horizonDays} days after it; ` +
      `${r.validation.rows.toLocaleString('en-US')} customers; fitted on ${r.snapshots.training.length} earlier snapshots):`,
  );
  printTable(METRIC_HEADERS, [
    metricRow('model', r.validation),
    metricRow('recency', r.baselines.recency),
    metricRow('RFM logistic', r.baselines.rfmLogistic),
    metricRow('BG/NBD', r.baselines.bgnbd),
    metricRow('boosted trees', r.baselines.gbt),
  ]);
}

/** Baseline scores at T aligned to `ids`. */
function alignedBaselines(r: TrainResult, ids: string[]) {
  const b = r.baselineScoresAtAsOf;
  if (!b) throw new Error('the run did not score the baselines at T');
  const index = new Map(b.customerId.map((id, i) => [id, i]));
  const pick = (values: Float64Array) =>
    Float64Array.from(ids, (id) => values[index.get(id) ?? -1] ?? Number.NaN);
  return {
    recency: pick(b.recency),
    rfmLogistic: pick(b.rfmLogistic),
    bgnbd: pick(b.bgnbd),
    gbt: pick(b.gbt),
  };
}

async function quality(customers: number): Promise<void> {
  console.log(
    `\n## Quality on demo data: ${customers.toLocaleString('en-US')} customers, scored at the history's end`,
  );
  const { warehouse, dir } = await demoWarehouse(customers);
  try {
    const result = await trainChurnModel(warehouse, {
      seed,
      scoreBaselinesAtAsOf: true,
      onProgress: progressLogger(),
    });
    console.log(
      `model ${result.modelId}, backend ${result.backend}, trained in ${result.trainSeconds.toFixed(1)} s`,
    );
    for (const note of result.notes) console.log(`note: ${note}`);
    printValidation(result);

    const scores = await modelScores(warehouse, result);
    const lines = fs.readFileSync(path.join(dir, 'truth.csv'), 'utf8').trim().split('\n');
    const header = (lines[0] ?? '').split(',');
    const col = (name: string) => header.indexOf(name);
    const [iy, il, ip] = [
      col('churned_next_90d'),
      col('latent_churn_probability'),
      col('posterior_churn_probability'),
    ];
    const ids: string[] = [];
    const y: number[] = [];
    const latent: number[] = [];
    const posterior: number[] = [];
    const model: number[] = [];
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const id = cells[0] ?? '';
      const p = scores.get(id);
      if (p === undefined) continue;
      ids.push(id);
      y.push(Number(cells[iy]));
      latent.push(Number(cells[il]));
      posterior.push(ip >= 0 && cells[ip] !== '' ? Number(cells[ip]) : Number.NaN);
      model.push(p);
    }
    const baselines = alignedBaselines(result, ids);
    const hasPosterior = posterior.every((v) => !Number.isNaN(v));
    const test = {
      model: evaluate(model, y),
      recency: evaluate(baselines.recency, y),
      rfmLogistic: evaluate(baselines.rfmLogistic, y),
      bgnbd: evaluate(baselines.bgnbd, y),
      gbt: evaluate(baselines.gbt, y),
      posterior: hasPosterior ? evaluate(posterior, y) : null,
      latent: evaluate(latent, y),
    };
    console.log(
      `\nTest at ${result.asOf} against truth.csv (realised churn in the ${result.horizonDays} days after; ` +
        `${ids.length.toLocaleString('en-US')} customers, churn rate ${(test.model.churnRate * 100).toFixed(1)} %):`,
    );
    printTable(METRIC_HEADERS, [
      metricRow('model', test.model),
      metricRow('recency', test.recency),
      metricRow('RFM logistic', test.rfmLogistic),
      metricRow('BG/NBD', test.bgnbd),
      metricRow('boosted trees', test.gbt),
      test.posterior
        ? metricRow('posterior (ceiling)', test.posterior)
        : ['posterior (ceiling)', 'n/a (> 200k customers)'],
      metricRow('latent truth', test.latent),
    ]);
    const auc = (m: Metrics | null) => m?.auc ?? Number.NaN;
    const simple = Math.max(auc(test.recency), auc(test.rfmLogistic), auc(test.bgnbd));
    console.log('\nAgainst the targets:');
    printTable(
      ['figure', 'value', 'target'],
      [
        ['model AUC − best of recency / RFM / BG/NBD', fixed(auc(test.model) - simple), '≥ 0.0100'],
        ['model AUC − boosted trees', fixed(auc(test.model) - auc(test.gbt)), '(reported)'],
        [
          'posterior ceiling − best of recency / RFM / BG/NBD',
          fixed(auc(test.posterior) - simple),
          '(room left)',
        ],
        ['model AUC − posterior ceiling', fixed(auc(test.model) - auc(test.posterior)), '≤ 0 always'],
        ['model calibration error (10 bins)', fixed(test.model.calibrationError), '≤ 0.0300'],
      ],
    );
  } finally {
    warehouse.close();
  }
}

/** CDNOW_master.txt as a purchases CSV: one order per customer and day (same-day lines merged). */
function cdnowPurchases(): string {
  const file = path.join(OUT, 'cdnow', 'purchases.csv');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = ['order_id,customer_id,order_date,amount,quantity'];
  for (const line of fs.readFileSync(CDNOW, 'utf8').split(/\r?\n/).slice(1)) {
    const [customer, date, cds, dollars] = line.trim().split(/\s+/);
    if (!customer || !date || !/^\d{8}$/.test(date)) continue;
    const day = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
    out.push(`${customer}-${date},${customer},${day},${dollars},${cds}`);
  }
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

async function cdnow(): Promise<void> {
  console.log('\n## CDNOW: T = 1998-04-01, horizon 90 days (the data ends 1998-06-30)');
  if (!fs.existsSync(CDNOW)) {
    console.log(`skipped: ${CDNOW} is absent (../shared/data is not checked out)`);
    return;
  }
  const warehouse = await Warehouse.open(path.join(OUT, 'churn-cdnow.duckdb'));
  try {
    if ((await warehouseInfo(warehouse)).purchases.rows === 0) {
      await ingest(warehouse, [{ section: 'purchases', file: cdnowPurchases() }]);
    }
    const result = await trainChurnModel(warehouse, {
      asOf: '1998-04-01',
      horizonDays: 90,
      seed,
      scoreBaselinesAtAsOf: true,
      onProgress: progressLogger(),
    });
    console.log(
      `model ${result.modelId}, backend ${result.backend}, trained in ${result.trainSeconds.toFixed(1)} s`,
    );
    for (const note of result.notes) console.log(`note: ${note}`);
    printValidation(result);
    const scores = await modelScores(warehouse, result);
    // Realised churn: no order in (1998-04-01, 1998-06-30], read from the data after T.
    const buyers = await warehouse.read(async (conn) => {
      const rows = (
        await conn.runAndReadAll(
          `SELECT DISTINCT customer_id FROM purchases
           WHERE order_date >= TIMESTAMP '1998-04-02' AND order_date < TIMESTAMP '1998-06-30' + INTERVAL 1 DAY`,
        )
      ).getRows();
      return new Set(rows.map(([id]) => String(id)));
    });
    const ids = [...scores.keys()];
    const y = ids.map((id) => (buyers.has(id) ? 0 : 1));
    const baselines = alignedBaselines(result, ids);
    const model = evaluate(
      ids.map((id) => scores.get(id) ?? 0),
      y,
    );
    const bgnbd = evaluate(baselines.bgnbd, y);
    console.log(
      `\nTest: the 90 days after 1998-04-01 (${ids.length.toLocaleString('en-US')} customers, churn rate ` +
        `${(model.churnRate * 100).toFixed(1)} %):`,
    );
    printTable(METRIC_HEADERS, [
      metricRow('model', model),
      metricRow('recency', evaluate(baselines.recency, y)),
      metricRow('RFM logistic', evaluate(baselines.rfmLogistic, y)),
      metricRow('BG/NBD', bgnbd),
      metricRow('boosted trees', evaluate(baselines.gbt, y)),
    ]);
    console.log(
      `\nmodel AUC − BG/NBD AUC = ${fixed((model.auc ?? 0) - (bgnbd.auc ?? 0))} (target: not below 0); ` +
        `BG/NBD as fitted at the validation snapshot: r ${fixed(result.baselines.bgnbd.params.r, 3)}, α ${fixed(result.baselines.bgnbd.params.alpha, 3)}, ` +
        `a ${fixed(result.baselines.bgnbd.params.a, 3)}, b ${fixed(result.baselines.bgnbd.params.b, 3)} (weeks)`,
    );
  } finally {
    warehouse.close();
  }
}

/** The timed part of `speed`, in a process of its own so that its peak RSS is its own. */
async function speedRun(customers: number): Promise<void> {
  const warehouse = await Warehouse.open(path.join(OUT, `churn-${customers}.duckdb`));
  // The order cache is built once per ingest (the first training after a load pays for it): timed apart.
  const cacheStarted = performance.now();
  await ensureOrderCache(warehouse, { rebuild: true });
  const cacheSeconds = (performance.now() - cacheStarted) / 1000;
  const marks: Record<string, number> = {};
  const started = performance.now();
  const result = await trainChurnModel(warehouse, {
    seed,
    onProgress: (p) => {
      marks[p.phase] ??= (performance.now() - started) / 1000;
    },
  });
  const score = await scoreCustomers(warehouse, {});
  warehouse.close();
  console.log(
    JSON.stringify({
      backend: result.backend,
      cacheSeconds,
      featuresSeconds: marks['validation-fit'],
      fitSeconds: (marks.scoring ?? 0) - (marks['validation-fit'] ?? 0),
      trainingToEarlyStopSeconds: marks.scoring,
      trainSeconds: result.trainSeconds,
      epochs: result.epochs,
      rows: result.rows,
      scoreSeconds: score.seconds,
      scoredCustomers: score.customers,
      validationAuc: result.validation.auc,
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
      ['features for the training snapshots', `${r.featuresSeconds.toFixed(1)} s`, ''],
      ['fits to early stop (validation fit, baselines, final fit)', `${r.fitSeconds.toFixed(1)} s`, ''],
      ['features + training to early stop', `${r.trainingToEarlyStopSeconds.toFixed(1)} s`, '≤ 120 s'],
      ['whole `train` (with scoring at T and saving)', `${r.trainSeconds.toFixed(1)} s`, ''],
      [
        `scoring ${r.scoredCustomers.toLocaleString('en-US')} customers (features, reasons, write)`,
        `${r.scoreSeconds.toFixed(1)} s`,
        '≤ 15 s',
      ],
      ['peak RSS of the process (worker thread included)', formatBytes(run.peakRss), '≤ 4 GB'],
      ['rows fitted (validation fit / final fit)', `${r.rows.training} / ${r.rows.final}`, ''],
      [
        'epochs to the best hold-out loss (validation fit / final fit)',
        `${r.epochs.validationFit} / ${r.epochs.finalFit}`,
        '',
      ],
      ['validation AUC', fixed(r.validationAuc), ''],
    ],
  );
}

const customersFlag = args.customers ? Number(args.customers) : undefined;
if (mode === 'speed-run') await speedRun(customersFlag ?? 1_000_000);
else {
  if (mode === 'quality' || mode === 'all') await quality(customersFlag ?? 100_000);
  if (mode === 'cdnow' || mode === 'all') await cdnow();
  if (mode === 'speed' || mode === 'all') await speed(customersFlag ?? 1_000_000);
}
