/**
 * Retention program benchmark, on demo data whose calls' true effect is known (program_truth.csv):
 *
 * 1. Coverage: for each of `--seeds` seeds, the demo (`--customers`) is generated, loaded, and its
 *    past lists measured; the pooled 95 % interval must cover the true pooled effect (each list's
 *    mean effect over its members, weighted by its customers to call) in at least 19 of 20 seeds.
 * 2. Ranking: on the same seeds, the uplift model's out-of-time Qini coefficient against ranking by
 *    churn probability and by value at risk (the latest lists held out).
 * 3. Speed: saving a list with control assignment for `--rows` customers (default 1,000,000), in a
 *    child process with the CLI's DuckDB settings, timed with its peak RSS (targets: 15 s, 400 MB);
 *    the baseline, in the same run and conditions, is DuckDB writing the same customers' ranks and
 *    draws into a table with one INSERT … SELECT, without Retain's eligibility, exclusions and ties.
 *
 *   npx tsx bench/program.ts [--seeds 20] [--customers 20000] [--rows 1000000] [--skip-speed] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDemo } from '@retain/demo-data';
import { loadCallLists, measureProgram, refreshUpliftModel, saveCallList } from '@retain/outreach';
import { generateScoredCustomers } from '@retain/outreach/testing';
import { ingest, sql, Warehouse } from '@retain/warehouse';
import { exportMemoryMb } from '@retain/workflows';
import { formatBytes, printTable, runMeasured } from './lib/measure.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'out');
const TARGET_SECONDS = 15;
const TARGET_PEAK_RSS = 400e6;

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    customers: { type: 'string', default: '20000' },
    rows: { type: 'string', default: '1000000' },
    'skip-speed': { type: 'boolean', default: false },
    'skip-truth': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    // Internal: the timed child processes.
    child: { type: 'string' },
    db: { type: 'string' },
  },
});

/** The CLI gives the save twice the export's memory: 224 MB for a million customers. */
const memoryMb = (rows: number) => 2 * exportMemoryMb(rows);
const DUCKDB_SETTINGS = (rows: number) => `SET threads = 1; SET memory_limit = '${memoryMb(rows)}MB';
  SET allocator_flush_threshold = '1MB'; SET allocator_bulk_deallocation_flush_threshold = '1MB';`;

if (args.child) {
  await child(args.child, args.db ?? '', Number(args.rows));
  process.exit(0);
}

/** One timed run: open, apply the CLI's settings, save the list (or the baseline's INSERT), close. */
async function child(kind: string, db: string, rows: number): Promise<void> {
  const warehouse = await Warehouse.open(db);
  try {
    await warehouse.write((d) => d.run(sql.raw(DUCKDB_SETTINGS(rows))));
    const started = performance.now();
    if (kind === 'retain') {
      const list = await saveCallList(warehouse, {}, { settings: { controlShare: 0.1 } });
      console.log(
        JSON.stringify({
          seconds: (performance.now() - started) / 1000,
          treated: list.treated,
          control: list.control,
        }),
      );
    } else {
      await warehouse.write(async (d) => {
        await d.run(
          sql.raw(
            'CREATE OR REPLACE TABLE baseline_members (list_id VARCHAR, customer_id VARCHAR, arm VARCHAR, rank INTEGER)',
          ),
        );
        await d.run(
          sql.raw(`INSERT INTO baseline_members
            SELECT 'L-baseline', customer_id,
                   CASE WHEN ('0x' || left(md5('L-baseline:' || customer_id), 8))::UBIGINT / 4294967296.0 < 0.1
                     THEN 'control' ELSE 'treated' END,
                   row_number() OVER (ORDER BY value_at_risk DESC, customer_id)
            FROM latest_scores`),
        );
      });
      console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
    }
  } finally {
    warehouse.close();
  }
}

const log = (text: string) => {
  if (!args.json) console.error(text);
};
const results: Record<string, unknown> = {};

// 1 and 2: coverage of the true effect, and the uplift model's Qini against the rankings.
if (!args['skip-truth']) {
  const seeds = Number(args.seeds);
  const customers = Number(args.customers);
  const rows: Array<Array<string | number>> = [];
  let covered = 0;
  let beatsBoth = 0;
  let fitted = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-bench-program-'));
    try {
      const demo = await generateDemo({ outDir: dir, customers, seed, posterior: false });
      if (!demo.program) throw new Error('the demo wrote no program');
      const warehouse = await Warehouse.open(path.join(dir, 'bench.duckdb'));
      try {
        await ingest(
          warehouse,
          (['customers', 'purchases', 'complaints', 'returns'] as const).map((section) => ({
            section,
            file: path.join(dir, `${section}.csv`),
          })),
        );
        const { lists, members, outcomes } = demo.program;
        await loadCallLists(warehouse, { lists, members, outcomes }, { username: null, via: 'bench' });
        const report = await measureProgram(warehouse);
        const status = await refreshUpliftModel(warehouse);
        const pooled = report.pooled;
        if (!pooled) throw new Error(`seed ${seed}: nothing pooled`);
        const measured = new Map(
          report.lists.filter((l) => l.status === 'measured').map((l) => [l.listId, l.treated]),
        );
        const truth = trueEffect(demo.program.truth, measured);
        const hit = pooled.lower <= truth && truth <= pooled.upper;
        if (hit) covered += 1;
        const e = status.evaluation;
        const wins =
          e !== null &&
          e.uplift.coefficient > e.churnProbability.coefficient &&
          e.uplift.coefficient > e.valueAtRisk.coefficient;
        if (e) fitted += 1;
        if (wins) beatsBoth += 1;
        rows.push([
          seed,
          (truth * 100).toFixed(2),
          (pooled.difference * 100).toFixed(2),
          `${(pooled.lower * 100).toFixed(2)} to ${(pooled.upper * 100).toFixed(2)}`,
          hit ? 'yes' : 'NO',
          e ? e.uplift.coefficient.toFixed(4) : '–',
          e ? e.churnProbability.coefficient.toFixed(4) : '–',
          e ? e.valueAtRisk.coefficient.toFixed(4) : '–',
        ]);
        log(
          `seed ${seed}: truth ${(truth * 100).toFixed(2)} pp, measured ${(pooled.difference * 100).toFixed(2)} pp ${hit ? 'covered' : 'NOT covered'}`,
        );
      } finally {
        warehouse.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  results.coverage = { seeds, covered, target: Math.ceil(seeds * 0.95) };
  results.qini = { seeds, fitted, beatsChurnProbabilityAndValue: beatsBoth };
  if (!args.json) {
    console.log(
      `\nMeasured pooled uplift against the simulated truth (${customers.toLocaleString('en-US')} customers a seed; points of retention):`,
    );
    printTable(
      [
        'seed',
        'true effect',
        'measured',
        '95 % interval',
        'covered',
        'Qini uplift',
        'Qini P(churn)',
        'Qini value',
      ],
      rows,
    );
    console.log(
      `\nCovered in ${covered} of ${seeds} seeds (target: at least ${Math.ceil(seeds * 0.95)}). ` +
        `Uplift model fitted in ${fitted} seeds; its Qini coefficient beats ranking by churn probability and by value at risk in ${beatsBoth} of them.`,
    );
  }
}

/** The true pooled effect: each measured list's mean effect over its members, weighted by its customers to call. */
function trueEffect(file: string, treatedByList: Map<string, number>): number {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const sums = new Map<string, { n: number; effect: number }>();
  for (const line of lines) {
    const [listId = '', , , , , , effect] = line.split(',');
    if (!treatedByList.has(listId)) continue;
    const s = sums.get(listId) ?? { n: 0, effect: 0 };
    s.n += 1;
    s.effect += Number(effect);
    sums.set(listId, s);
  }
  let weighted = 0;
  let total = 0;
  for (const [listId, treated] of treatedByList) {
    const s = sums.get(listId);
    if (!s || s.n === 0) continue;
    weighted += (treated * s.effect) / s.n;
    total += treated;
  }
  return weighted / total;
}

// 3: list creation with control assignment, against DuckDB's bare INSERT … SELECT.
if (!args['skip-speed']) {
  const rows = Number(args.rows);
  const db = path.join(OUT, `program-${rows}.duckdb`);
  if (!fs.existsSync(db)) {
    fs.mkdirSync(OUT, { recursive: true });
    log(`generating ${rows.toLocaleString('en-US')} scored customers with 3 orders each into ${db} …`);
    const warehouse = await Warehouse.open(db);
    try {
      await generateScoredCustomers(warehouse, rows, { allConsent: true });
      await warehouse.write((d) =>
        d.run(
          sql.raw(`INSERT INTO purchases (order_id, customer_id, order_date, amount, line_key, batch_id)
            SELECT printf('O%08d-%d', i, k), printf('C%08d', i), TIMESTAMP '2023-06-01' + to_days((i * 7 + k * 97) % 390),
                   round(5 + (i * 31 + k) % 200, 2), (i * 3 + k)::UBIGINT, 0
            FROM range(${rows}) t(i), range(3) o(k)`),
        ),
      );
    } finally {
      warehouse.close();
    }
  }
  const self = fileURLToPath(import.meta.url);
  const run = async (kind: 'retain' | 'baseline') => {
    const result = await runMeasured(process.execPath, [
      '--import',
      'tsx',
      self,
      '--child',
      kind,
      '--db',
      db,
      '--rows',
      String(rows),
    ]);
    if (result.code !== 0) throw new Error(`${kind} failed:\n${result.stderr}`);
    const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
      seconds: number;
      treated?: number;
      control?: number;
    };
    return { ...parsed, process: result.seconds, peakRss: result.peakRss };
  };
  const baseline = await run('baseline');
  const retain = await run('retain');
  results.speed = { rows, retain, baseline, ratio: retain.seconds / baseline.seconds };
  if (!args.json) {
    console.log(
      `\nSaving a list with control assignment, ${rows.toLocaleString('en-US')} scored customers (one DuckDB thread, ${memoryMb(rows)} MB):`,
    );
    printTable(
      ['', 'list saved (s)', 'process (s)', 'peak RSS', 'members'],
      [
        [
          'Retain saveCallList',
          retain.seconds.toFixed(2),
          retain.process.toFixed(2),
          formatBytes(retain.peakRss),
          `${retain.treated} + ${retain.control} held back`,
        ],
        [
          'baseline INSERT … SELECT',
          baseline.seconds.toFixed(2),
          baseline.process.toFixed(2),
          formatBytes(baseline.peakRss),
          String(rows),
        ],
      ],
    );
    console.log(
      `Ratio ${(retain.seconds / baseline.seconds).toFixed(2)}× the baseline; targets ${TARGET_SECONDS} s and ${formatBytes(TARGET_PEAK_RSS)}: ` +
        `${retain.process <= TARGET_SECONDS && retain.peakRss <= TARGET_PEAK_RSS ? 'met' : 'NOT met'} (process time ${retain.process.toFixed(1)} s, peak ${formatBytes(retain.peakRss)}).`,
    );
  }
}
if (args.json) console.log(JSON.stringify(results, null, 2));
