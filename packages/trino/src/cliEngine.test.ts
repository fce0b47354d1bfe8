import { sql } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from './testing/cluster.ts';
import { figureDifferences } from './testing/figureDifferences.ts';
import { type MappedDemo, mapDemo } from './testing/mappedDemo.ts';
import { retainCommand, STACK_TRACE, unreachableEngine } from './testing/retainCommand.ts';

/*
 * The `retain` analytics verbs with --engine: the same seeded history read from the cluster's
 * mapped tables and from the embedded database prints the same JSON, and a cluster that cannot be
 * reached or a facts table that is not there is one clear line and the right exit code.
 */

const cluster = testCluster();

describe.skipIf(cluster === null)('retain analytics verbs with --engine on a Trino cluster', () => {
  let demo: MappedDemo | null = null;
  let missing: MappedDemo | null = null;

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'cli_engine',
      customers: 400,
      seed: 7,
      years: 2,
      end: '2025-06-30',
    });
    // The CLI opens the database file itself.
    demo.warehouse.close();
    missing = await mapDemo(cluster, {
      prefix: 'cli_missing',
      customers: 50,
      seed: 8,
      years: 1,
      end: '2025-06-30',
      skip: ['complaints'],
    });
    missing.warehouse.close();
  }, 600_000);

  afterAll(async () => {
    await demo?.drop();
    await missing?.drop();
  });

  it.each([
    ['cohorts', '--period', 'month', '--metric', 'customers'],
    ['cohorts', '--period', 'week', '--metric', 'revenue', '--net', '--by', 'channel'],
    ['kpis'],
    ['kpis', '--as-of', '2025-03-31'],
    ['repeat', '--within', '90'],
    ['trend', '--age', '1'],
  ])('prints the same %s JSON from the cluster as from the embedded database', (...args) => {
    if (!demo) return;
    const local = retainCommand([...args, '--json', '--db', demo.dbFile]);
    expect(local.stderr).toBe('');
    expect(local.code).toBe(0);
    const remote = retainCommand([...args, '--json', '--engine', demo.engineUrl]);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(0);
    // The same figures, as the conformance suite compares them: counts exactly, sums of money to
    // 1e-9 (a cluster adds doubles in another order).
    const out: string[] = [];
    expect(
      figureDifferences(JSON.parse(local.stdout), JSON.parse(remote.stdout), args[0], out),
    ).toBeGreaterThan(5);
    expect(out.slice(0, 20), `${out.length} differences`).toEqual([]);
  });

  it('prints the same tables and CSV, byte for byte', () => {
    if (!demo) return;
    for (const args of [
      ['cohorts'],
      ['cohorts', '--csv'],
      ['cohorts', '--metric', 'revenue'],
      ['kpis'],
      ['repeat'],
    ]) {
      const local = retainCommand([...args, '--db', demo.dbFile]);
      const remote = retainCommand([...args, '--engine', demo.engineUrl]);
      expect(remote.code).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
    }
  });

  it("refuses a filter value nothing on the cluster holds, with the file's message and exit code", () => {
    if (!demo) return;
    for (const args of [
      ['cohorts', '--channel', 'Webb'],
      ['kpis', '--channel', 'web,app', '--category', 'no such category', '--json'],
    ]) {
      const local = retainCommand([...args, '--db', demo.dbFile]);
      expect(local.code).toBe(2);
      const remote = retainCommand([...args, '--engine', demo.engineUrl]);
      expect(remote.code).toBe(2);
      expect(remote.stdout).toBe(local.stdout);
      expect(remote.stderr).toBe(local.stderr);
      expect(remote.stderr).not.toMatch(STACK_TRACE);
    }
    expect(retainCommand(['cohorts', '--channel', 'Webb', '--engine', demo.engineUrl]).stderr).toMatch(
      /^error: --channel: no "Webb" in the data; did you mean "web"\?\n/,
    );
  });

  it('exits 1 with one line naming the engine when the cluster cannot be reached', async () => {
    const unreachable = await unreachableEngine();
    const result = retainCommand(['cohorts', '--json', '--engine', unreachable.url]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([unreachable.line]);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 2 naming a facts table the schema lacks', () => {
    if (!missing) return;
    const result = retainCommand(['kpis', '--engine', missing.engineUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^error: Trino at [^:]+:\\d+: table lake\\.${missing.schema}\\.complaints does not exist`),
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 2 naming a column a facts table lacks', async () => {
    if (!missing) return;
    await missing.trino.run(
      sql`CREATE TABLE complaints (complaint_id varchar, customer_id varchar, opened_at timestamp(6))`,
    );
    const result = retainCommand(['repeat', '--json', '--engine', missing.engineUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      new RegExp(
        `^error: Trino at [^:]+:\\d+: table lake\\.${missing.schema}\\.complaints has no column resolved_at \\(`,
      ),
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: {
        code: 'engine_column_missing',
        table: `lake.${missing.schema}.complaints`,
        column: 'resolved_at',
      },
    });
  });
});
