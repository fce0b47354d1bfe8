/**
 * Alerts benchmark: `checkAlerts` over 50 rules (every alert metric, on the whole business and on
 * channel and region scopes) on the demo warehouse of `--customers` customers once its analytics
 * rollup exists, after a load (a new data version, so nothing is cached). In the same run, as
 * baselines: the figures read as before, one KPI read (and one month-1 trend) per scope; and the
 * one-pass statements computing the customers' window facts from the orders instead of reading
 * those kept with the rollup. Prints the median of `--runs` of each, the ratio of the per-scope
 * reads to the check, the rollup's build time (kept facts included) and the target: a check of 50
 * rules in at most 1 s. The demo data is the analytics benchmark's (bench/out/, git-ignored),
 * copied once so that this suite's tables stay out of that one's database; `--rebuild` builds its
 * rollup again first (to time the build).
 *
 *   npx tsx bench/alerts.ts [--customers 1000000] [--runs 5] [--rebuild] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addAlertRule, checkAlerts, listAlertRules, readScopeFigures } from '@retain/alerts';
import {
  buildAnalyticsRollup,
  cohortTrend,
  ensureAnalyticsRollup,
  kpisPlan,
  readRollupState,
  readRows,
  retentionKpis,
  scopeMonth1,
} from '@retain/analytics';
import { scoresInForce } from '@retain/churn';
import { generateDemo } from '@retain/demo-data';
import {
  ALERT_METRICS,
  type AlertRule,
  type AlertRuleInput,
  kpisInputSchema,
  trendInputSchema,
} from '@retain/schemas';
import { filterValues, ingest, Warehouse, warehouseInfo } from '@retain/warehouse';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    rebuild: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const customers = Number(args.customers);
const runs = Math.max(1, Number(args.runs));
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const source = path.join(OUT, `analytics-${customers}.duckdb`);
const dbFile = path.join(OUT, `alerts-${customers}.duckdb`);
const RULES = 50;
const TARGET_MS = 1000;
const env = { webhookHosts: [], webhookSecret: 'bench-secret-0123456789' };

const log = (text: string) => {
  if (!args.json) console.error(text);
};
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

// 1. Data: the analytics suite's demo warehouse, copied; or generated and loaded here.
if (!fs.existsSync(dbFile)) {
  if (fs.existsSync(source)) {
    log(`copying ${source} …`);
    fs.copyFileSync(source, dbFile);
  } else {
    const csvDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-bench-alerts-'));
    log(`generating ${customers.toLocaleString('en-US')} demo customers …`);
    await generateDemo({ outDir: csvDir, customers, seed: 42 });
    const w = await Warehouse.open(dbFile);
    const sections = ['customers', 'purchases', 'complaints', 'returns'] as const;
    await ingest(
      w,
      sections.map((section) => ({ section, file: path.join(csvDir, `${section}.csv`) })),
    );
    w.close();
    fs.rmSync(csvDir, { recursive: true, force: true });
  }
}

const warehouse = await Warehouse.open(dbFile);
const info = await warehouseInfo(warehouse);
log(`${info.customers.withOrders.toLocaleString('en-US')} customers with orders; building the rollup …`);
const rollup = args.rebuild
  ? await buildAnalyticsRollup(warehouse, true)
  : await ensureAnalyticsRollup(warehouse);

// 2. Fifty rules: every metric on the whole business, then on two channels and two regions.
const values = await filterValues(warehouse);
const scopes: Array<{ channel: string | null; region: string | null }> = [
  { channel: null, region: null },
  ...values.channels.slice(0, 2).map((channel) => ({ channel, region: null })),
  ...values.regions.slice(0, 2).map((region) => ({ channel: null, region })),
];
if ((await listAlertRules(warehouse)).length < RULES) {
  for (let i = 0; i < RULES; i++) {
    const scope = scopes[Math.floor(i / ALERT_METRICS.length) % scopes.length] ?? {
      channel: null,
      region: null,
    };
    const metric = ALERT_METRICS[i % ALERT_METRICS.length] ?? 'churnRate';
    const rule: AlertRuleInput =
      i % 2 === 0
        ? { name: `rule ${i}`, metric, condition: 'above', threshold: 0, ...scope }
        : {
            name: `rule ${i}`,
            metric,
            condition: 'changeAbove',
            threshold: 5,
            changeUnit: 'percent',
            ...scope,
          };
    await addAlertRule(warehouse, rule, { env, createdBy: null });
  }
}
const rules = await listAlertRules(warehouse);
const distinctScopes = new Set(rules.map((r) => `${r.channel}|${r.region}`)).size;

/** The figures as they were read before one pass: one KPI read (and one month-1 trend) per scope. */
async function perScopeReads(list: AlertRule[]): Promise<void> {
  const byScope = new Map<string, { channel: string | null; region: string | null; cohort: boolean }>();
  for (const rule of list) {
    const key = JSON.stringify([rule.channel, rule.region]);
    const seen = byScope.get(key);
    if (seen) seen.cohort ||= rule.metric === 'cohortMonth1';
    else
      byScope.set(key, {
        channel: rule.channel,
        region: rule.region,
        cohort: rule.metric === 'cohortMonth1',
      });
  }
  for (const { channel, region, cohort } of byScope.values()) {
    const filters = { ...(channel ? { channel: [channel] } : {}), ...(region ? { region: [region] } : {}) };
    await retentionKpis(warehouse, kpisInputSchema.parse({ filters }), scoresInForce);
    if (cohort) await cohortTrend(warehouse, trendInputSchema.parse({ age: 1, period: 'month', filters }));
  }
}

/** The one-pass statements with the customers' window facts computed from the orders, not kept. */
async function computedOnePass(list: AlertRule[]): Promise<void> {
  const slices = [...new Set(list.map((r) => JSON.stringify([r.channel, r.region])))].map((key) => {
    const [channel, region] = JSON.parse(key) as [string | null, string | null];
    return { ...(channel ? { channel: [channel] } : {}), ...(region ? { region: [region] } : {}) };
  });
  await warehouse.snapshot(async (db) => {
    const state = await readRollupState(db);
    if (!state) throw new Error('the rollup is stale');
    const plan = kpisPlan(state, kpisInputSchema.parse({}), {
      dialect: db.dialect,
      slices,
      keptFacts: false,
    });
    for (const statement of [plan.orders, plan.complaints]) if (statement) await readRows(db, statement);
  });
  await scopeMonth1(warehouse, {}, slices);
}

// 3. Each run is "after a load": a new data version, so no figure is reused from a cache.
const check: number[] = [];
const figures: number[] = [];
const perScope: number[] = [];
const computed: number[] = [];
let fired = 0;
for (let run = 0; run <= runs; run++) {
  warehouse.noteDataVersion((await warehouse.dataVersion()) + 1);
  const ms = await timed(async () => {
    const result = await checkAlerts(warehouse, { env, trigger: 'bench' });
    fired += result.fired.length;
  });
  const bare = await timed(() => readScopeFigures(warehouse, rules));
  const before = await timed(() => perScopeReads(rules));
  const onePass = await timed(() => computedOnePass(rules));
  // The first run warms DuckDB's buffers: left out of the medians.
  if (run === 0) continue;
  check.push(ms);
  figures.push(bare);
  perScope.push(before);
  computed.push(onePass);
}
warehouse.close();

const result = {
  customers: info.customers.withOrders,
  rules: rules.length,
  scopes: distinctScopes,
  runs,
  checkMs: Math.round(median(check)),
  figuresMs: Math.round(median(figures)),
  perScopeReadsMs: Math.round(median(perScope)),
  computedOnePassMs: Math.round(median(computed)),
  speedup: median(perScope) / median(check),
  rollupBuildSeconds: Math.round(rollup.buildSeconds * 10) / 10,
  firedFirstRun: fired,
  cpus: os.availableParallelism(),
  load: os.loadavg()[0] ?? 0,
  targetMs: TARGET_MS,
  meetsTarget: median(check) <= TARGET_MS,
};
if (args.json) console.log(JSON.stringify(result));
else {
  console.log(
    `${result.rules} rules over ${result.scopes} channel/region scopes, ${result.customers.toLocaleString('en-US')} customers, ${result.cpus} cores (load ${result.load.toFixed(1)}), median of ${runs}:`,
  );
  console.log(`  checkAlerts (read, evaluate, record, audit)          ${result.checkMs} ms`);
  console.log(`  its figures alone (one pass, kept facts)             ${result.figuresMs} ms`);
  console.log(`  one pass computing the facts from the orders         ${result.computedOnePassMs} ms`);
  console.log(`  read scope by scope as before (KPIs, month-1 trend)  ${result.perScopeReadsMs} ms`);
  console.log(`  per-scope reads / check                              ${result.speedup.toFixed(1)}×`);
  console.log(`  rollup build, kept KPI facts included                ${result.rollupBuildSeconds} s`);
  console.log(`  target: check ≤ ${TARGET_MS} ms … ${result.meetsTarget ? 'met' : 'NOT met'}`);
}
