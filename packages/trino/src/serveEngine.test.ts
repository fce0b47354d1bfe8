import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_REQUEST_HEADERS } from '@retain/schemas';
import { dbBoolean, dbText, sql, Warehouse } from '@retain/warehouse';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testCluster } from './testing/cluster.ts';
import { figureDifferences } from './testing/figureDifferences.ts';
import { type MappedDemo, mapDemo } from './testing/mappedDemo.ts';

/*
 * `retain serve --engine`: the dashboard's API on a seeded demo mapped on the cluster answers what
 * a server on the embedded file holding the same demo answers; the figures are cached in the local
 * file, so a second server on it serves them without the cluster's rollup; loading files is refused.
 */

const cluster = testCluster();

const RETAIN_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../apps/cli/bin/retain.js',
);

interface Served {
  url: string;
  child: ChildProcess;
  output: string[];
}

/** Starts `retain serve` on a free port and waits for its start-up line. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [RETAIN_BIN, 'serve', '--port', '0', ...args], {
    // Only the flags choose the engine and the database; the cluster suites' variables stay out.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const running = /Retain is running at (http:\/\/\S+)/.exec(output.join(''));
      if (running?.[1]) resolve({ url: running[1], child, output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`retain serve exited ${code}: ${output.join('')}`)));
  });
}

async function stop(served: Served | null): Promise<void> {
  if (!served || served.child.exitCode !== null) return;
  const exited = new Promise((resolve) => served.child.once('exit', resolve));
  served.child.kill('SIGTERM');
  await exited;
}

const trpcResponse = z.object({ result: z.object({ data: z.unknown() }) });
const trpcError = z.object({
  error: z.object({ message: z.string(), data: z.object({ code: z.string() }) }),
});

async function query(server: Served, procedure: string, input?: unknown): Promise<unknown> {
  const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${server.url}/trpc/${procedure}${search}`);
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${procedure}: ${response.status} ${JSON.stringify(body)}`);
  return trpcResponse.parse(body).result.data;
}

async function refusal(server: Served, procedure: string, input: unknown) {
  const response = await fetch(
    `${server.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`,
  );
  return { status: response.status, ...trpcError.parse(await response.json()).error };
}

/** The reads of the dashboard's analytics pages, with their inputs. */
const READS: ReadonlyArray<readonly [string, string, unknown]> = [
  ['kpis', 'overview.kpis', {}],
  ['kpis', 'overview.kpis', { asOf: '2025-03-31' }],
  ['cohorts', 'cohorts.matrix', {}],
  ['cohorts', 'cohorts.matrix', { period: 'week', metric: 'revenue', by: 'channel' }],
  ['curves', 'cohorts.curves', {}],
  ['trend', 'cohorts.trend', { age: 1 }],
  ['repeat', 'repeat.summary', { withinDays: 90 }],
  ['impact', 'impact.summary', {}],
  ['filters', 'filters.values', undefined],
];

/** Whether the analytics rollup's state is on the cluster (a read there builds it when it is not). */
function rollupOnCluster(demo: MappedDemo): Promise<boolean> {
  return demo.trino.scalar(
    sql`SELECT count(*) > 0 FROM information_schema.tables
        WHERE table_schema = ${demo.schema} AND table_name = 'analytics_engine_state'`,
    dbBoolean,
  );
}

/** The results kept in a stopped server's database file: version and key of each. */
async function storedResults(file: string): Promise<Array<{ source_version: string; key: string }>> {
  const stored = await Warehouse.open(file, { readOnly: true });
  try {
    return await stored.query(
      sql`SELECT source_version, key FROM engine_results`,
      z.object({ source_version: dbText, key: dbText }),
    );
  } finally {
    stored.close();
  }
}

/**
 * KPIs without at-risk revenue and whether a model has scored: the embedded server trains a churn
 * model after it starts, the cluster has no scores.
 */
function withoutScores(kind: string, value: unknown): unknown {
  if (kind !== 'kpis' || typeof value !== 'object' || value === null) return value;
  const {
    atRiskScores: _scores,
    modelHasScored: _scored,
    kpis,
    ...rest
  } = value as { atRiskScores?: unknown; modelHasScored?: unknown; kpis: object };
  const { atRiskRevenue: _revenue, ...others } = kpis as { atRiskRevenue?: unknown };
  return { ...rest, kpis: others };
}

describe.skipIf(cluster === null)('retain serve --engine on a Trino cluster', () => {
  let demo: MappedDemo | null = null;
  let local: { dir: string; cleanup: () => void } | null = null;
  let embedded: Served | null = null;
  let onEngine: Served | null = null;
  const answers = new Map<string, string>();

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'serve_engine',
      customers: 300,
      seed: 11,
      years: 2,
      end: '2025-06-30',
    });
    demo.warehouse.close();
    local = tempDir('retain-serve-engine-');
  }, 600_000);

  afterAll(async () => {
    await stop(embedded);
    await stop(onEngine);
    await demo?.drop();
    local?.cleanup();
  });

  it('answers the analytics pages with the embedded server’s figures, and drills down on the cluster', async () => {
    if (!demo || !local) return;
    const localDb = path.join(local.dir, 'local.duckdb');
    embedded = await serve(['--db', demo.dbFile]);
    onEngine = await serve(['--db', localDb, '--engine', demo.engineUrl]);
    expect(onEngine.output.join('')).toMatch(
      new RegExp(
        `facts on Trino at [^ ]+ lake\\.${demo.schema}; figures cached in ${localDb.replaceAll('.', '\\.')}`,
      ),
    );
    for (const [kind, procedure, input] of READS) {
      const expected = await query(embedded, procedure, input);
      const actual = await query(onEngine, procedure, input);
      answers.set(`${procedure}:${JSON.stringify(input)}`, JSON.stringify(actual));
      const out: string[] = [];
      figureDifferences(withoutScores(kind, expected), withoutScores(kind, actual), kind, out);
      expect(out.slice(0, 20), `${procedure} ${JSON.stringify(input)}: ${out.length} differences`).toEqual(
        [],
      );
    }
    // A cell's customers, a page at a time, read on the cluster.
    for (const input of [
      { cohort: '2024-01', offset: 1, page: 1, pageSize: 5 },
      { cohort: '2024-01', page: 2, pageSize: 3 },
    ]) {
      const expected = await query(embedded, 'cohorts.customers', input);
      const actual = await query(onEngine, 'cohorts.customers', input);
      const out: string[] = [];
      figureDifferences(expected, actual, 'customers', out);
      expect(out, JSON.stringify(input)).toEqual([]);
      expect((actual as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    }
    // The Data page's counts are the cluster's tables', with the engine named.
    const info = z
      .object({ engine: z.object({ name: z.string(), sourceVersion: z.string() }).nullable() })
      .passthrough()
      .parse(await query(onEngine, 'info.get'));
    expect(info.engine?.name).toBe(
      `Trino at ${new URL(`http://${demo.engineUrl.split('@')[1]}`).host} lake.${demo.schema}`,
    );
    const embeddedInfo = z.record(z.string(), z.unknown()).parse(await query(embedded, 'info.get'));
    for (const table of ['customers', 'purchases', 'complaints', 'returns'])
      expect(info[table], table).toEqual(embeddedInfo[table]);
  }, 600_000);

  it('refuses loading files and the SQL console on the cluster, saying where the data lives', async () => {
    if (!onEngine) return;
    const inspect = await refusal(onEngine, 'data.inspect', {
      uploadId: '00000000-0000-4000-8000-000000000000',
    });
    expect(inspect).toMatchObject({ status: 412, data: { code: 'PRECONDITION_FAILED' } });
    expect(inspect.message).toMatch(
      /^The data lives on Trino at .+: files are not loaded into it from the dashboard\. Map the cluster's tables with `retain ingest --engine … --mapping`\.$/,
    );
    const upload = await fetch(`${onEngine.url}/upload?name=orders.csv`, {
      method: 'POST',
      headers: { ...API_REQUEST_HEADERS, 'content-type': 'text/csv' },
      body: 'order_id,customer_id\n1,a\n',
    });
    expect(upload.status).toBe(409);
    expect(((await upload.json()) as { error: string }).error).toMatch(/^The data lives on Trino at /);
  });

  it('runs the SQL console on the cluster: the facts it offers, their rows, and its sandbox', async () => {
    if (!embedded || !onEngine) return;
    const runOn = async (server: Served, text: string) =>
      fetch(`${server.url}/trpc/query.run`, {
        method: 'POST',
        headers: { ...API_REQUEST_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: text }),
      });
    const run = (text: string) => runOn(onEngine as Served, text);
    const rowsOf = async (response: Response) =>
      z
        .object({ rows: z.array(z.array(z.unknown())) })
        .parse(trpcResponse.parse(await response.json()).result.data)
        .rows.map((row) => row.map((cell) => (typeof cell === 'string' ? cell : Number(cell))));
    const byChannel =
      'SELECT channel, count(*) AS lines, count(DISTINCT customer_id) AS customers FROM purchases GROUP BY channel ORDER BY channel';
    const onCluster = await run(byChannel);
    expect(onCluster.status).toBe(200);
    const cluster = await rowsOf(onCluster);
    expect(cluster.length).toBeGreaterThan(1);
    expect(cluster).toEqual(await rowsOf(await runOn(embedded, byChannel)));
    // What the plan reads decides: a system table is refused before the statement runs.
    const refused = await run('SELECT query FROM system.runtime.queries');
    expect(refused.status).toBe(400);
    expect(trpcError.parse(await refused.json()).error.message).toMatch(
      /system\.runtime\.queries|not one of/,
    );
    const tables = z
      .array(z.object({ name: z.string(), columns: z.array(z.object({ name: z.string() })) }))
      .parse(await query(onEngine, 'query.schema'));
    expect(tables.map((t) => t.name).sort()).toEqual(['complaints', 'customers', 'purchases', 'returns']);
    expect(tables.find((t) => t.name === 'purchases')?.columns.map((c) => c.name)).toContain('order_date');
    const example = z.object({ sql: z.string() }).parse(await query(onEngine, 'query.example'));
    expect((await run(example.sql)).status).toBe(200);
  });

  it('trains from the dashboard on the cluster and lists the embedded server’s at-risk customers', async () => {
    if (!embedded || !demo || !local) return;
    // A server of its own on another local file: its model does not touch the other's cached figures.
    const engineServer = await serve([
      '--db',
      path.join(local.dir, 'trained.duckdb'),
      '--engine',
      demo.engineUrl,
    ]);
    try {
      const status = z.object({
        running: z.unknown().nullable(),
        latest: z.object({ phase: z.string(), message: z.string() }).nullable(),
      });
      const trained = async (server: Served) => {
        for (let waited = 0; waited < 600; waited++) {
          const { running, latest } = status.parse(await query(server, 'model.status'));
          if (running === null && latest?.phase === 'failed') throw new Error(latest.message);
          if (running === null && latest?.phase === 'done') return;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        throw new Error('the training did not end in 10 minutes');
      };
      // The embedded server trains its first model after it starts; the one on the cluster is asked to.
      await trained(embedded);
      const started = await fetch(`${engineServer.url}/trpc/model.train`, {
        method: 'POST',
        headers: { ...API_REQUEST_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });
      expect(started.status).toBe(200);
      await trained(engineServer);
      const page = z.object({
        summary: z.object({ eligible: z.number() }),
        rows: z.array(
          z.object({ customerId: z.string(), churnProbability: z.number(), valueAtRisk: z.number() }),
        ),
      });
      const input = { limit: 100 };
      const here = page.parse(await query(embedded, 'atRisk.list', input));
      const there = page.parse(await query(engineServer, 'atRisk.list', input));
      expect(here.rows.length).toBeGreaterThan(0);
      // The same draws on both engines: the same model, scores and list.
      expect(there.summary.eligible).toBe(here.summary.eligible);
      expect(there.rows.map((r) => r.customerId)).toEqual(here.rows.map((r) => r.customerId));
      for (const [i, row] of there.rows.entries()) {
        expect(row.churnProbability).toBeCloseTo(here.rows[i]?.churnProbability ?? -1, 6);
        expect(row.valueAtRisk).toBeCloseTo(here.rows[i]?.valueAtRisk ?? -1, 4);
      }
    } finally {
      await stop(engineServer);
    }
  }, 900_000);

  it('serves the figures from the local file after a restart, without the rollup on the cluster', async () => {
    if (!demo || !local || !onEngine) return;
    const localDb = path.join(local.dir, 'local.duckdb');
    await stop(onEngine);
    onEngine = null;
    // Stored: one row per read above (the info's counts too), all under one version of the facts.
    const rows = await storedResults(localDb);
    expect(new Set(rows.map((r) => r.source_version)).size).toBe(1);
    expect(rows.length).toBe(READS.length + 1);
    // Without the rollup's state a read on the cluster would build it again: served from the
    // cache, nothing on the cluster is built.
    await demo.trino.run(sql`DROP TABLE IF EXISTS analytics_engine_state`);
    onEngine = await serve(['--db', localDb, '--engine', demo.engineUrl]);
    for (const [, procedure, input] of READS) {
      const again = await query(onEngine, procedure, input);
      expect(JSON.stringify(again), procedure).toBe(answers.get(`${procedure}:${JSON.stringify(input)}`));
    }
    expect(await rollupOnCluster(demo)).toBe(false);
  }, 600_000);

  it('computes on the cluster again once the facts move, and drops the figures of the older version', async () => {
    if (!demo || !local || !onEngine) return;
    const infoShape = z.object({
      engine: z.object({ sourceVersion: z.string() }),
      complaints: z.object({ rows: z.number() }),
    });
    const before = infoShape.parse(await query(onEngine, 'info.get'));
    // One complaint fewer: the complaints become a table of the schema's own, less its first row.
    await demo.trino.run(
      sql`CREATE TABLE complaints_moved AS SELECT * FROM complaints
          WHERE complaint_id <> (SELECT min(complaint_id) FROM complaints)`,
    );
    await demo.trino.run(sql`DROP TABLE complaints`);
    await demo.trino.run(sql`ALTER TABLE complaints_moved RENAME TO complaints`);
    const after = infoShape.parse(await query(onEngine, 'info.get', { refresh: true }));
    expect(after.engine.sourceVersion).not.toBe(before.engine.sourceVersion);
    expect(after.complaints.rows).toBe(before.complaints.rows - 1);
    const impact = await query(onEngine, 'impact.summary', {});
    expect(JSON.stringify(impact)).not.toBe(answers.get('impact.summary:{}'));
    // The rollup was built again on the cluster for the new version.
    expect(await rollupOnCluster(demo)).toBe(true);
    await stop(onEngine);
    onEngine = null;
    const versions = new Set(
      (await storedResults(path.join(local.dir, 'local.duckdb'))).map((r) => r.source_version),
    );
    expect([...versions]).toEqual([after.engine.sourceVersion]);
  }, 600_000);
});
