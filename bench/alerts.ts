/**
 * Alerts benchmark: `checkAlerts` over 50 rules (every alert metric, on the whole business and on
 * channel and region scopes) on the demo warehouse of `--customers` customers once its analytics
 * rollup exists, after a load (a new data version, so nothing is cached), against the bare reads
 * of the figures those rules need (one KPI read and one month-1 trend per scope) in the same run:
 * the ratio is what recording, deduplicating and the audit add. Prints the median of `--runs` of
 * each and the ratio; the target is a check of 50 rules in at most 1 s. The demo data is the
 * analytics benchmark's (bench/out/, git-ignored), copied once so that this suite's tables stay
 * out of that one's database.
 *
 *   npx tsx bench/alerts.ts [--customers 1000000] [--runs 5] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addAlertRule, checkAlerts, listAlertRules, readScopeFigures } from '@retain/alerts';
import { ensureAnalyticsRollup } from '@retain/analytics';
import { generateDemo } from '@retain/demo-data';
import { ALERT_METRICS, type AlertRuleInput } from '@retain/schemas';
import { filterValues, ingest, Warehouse, warehouseInfo } from '@retain/warehouse';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
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
await ensureAnalyticsRollup(warehouse);

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

// 3. Each run is "after a load": a new data version, so no figure is reused from a cache.
const check: number[] = [];
const bare: number[] = [];
let fired = 0;
for (let run = 0; run <= runs; run++) {
  warehouse.noteDataVersion((await warehouse.dataVersion()) + 1);
  const ms = await timed(async () => {
    const result = await checkAlerts(warehouse, { env, trigger: 'bench' });
    fired += result.fired.length;
  });
  const baseline = await timed(() => readScopeFigures(warehouse, rules));
  // The first run warms DuckDB's buffers: left out of the medians.
  if (run === 0) continue;
  check.push(ms);
  bare.push(baseline);
}
warehouse.close();

const result = {
  customers: info.customers.withOrders,
  rules: rules.length,
  scopes: distinctScopes,
  runs,
  checkMs: Math.round(median(check)),
  figuresMs: Math.round(median(bare)),
  ratio: median(check) / median(bare),
  firedFirstRun: fired,
  cpus: os.availableParallelism(),
  targetMs: TARGET_MS,
  meetsTarget: median(check) <= TARGET_MS,
};
if (args.json) console.log(JSON.stringify(result));
else {
  console.log(
    `${result.rules} rules over ${result.scopes} channel/region scopes, ${result.customers.toLocaleString('en-US')} customers, ${result.cpus} cores, median of ${runs}:`,
  );
  console.log(`  checkAlerts (read, evaluate, record, audit)   ${result.checkMs} ms`);
  console.log(`  the figures alone (baseline, same run)        ${result.figuresMs} ms`);
  console.log(`  ratio check / figures                         ${result.ratio.toFixed(2)}`);
  console.log(`  target: ≤ ${TARGET_MS} ms … ${result.meetsTarget ? 'met' : 'NOT met'}`);
}
