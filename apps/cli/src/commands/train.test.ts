import fs from 'node:fs';
import path from 'node:path';
import { openDemoWarehouse } from '@retain/churn/testing';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let db: string;

beforeAll(async () => {
  demo = await openDemoWarehouse(500, 9);
  db = demo.warehouse.path;
  demo.warehouse.close();
}, 120_000);
afterAll(() => demo.close());

/** The database's audit entries of one action, newest first, as `retain audit --json` prints them. */
function auditEntries(action: string): { username: string | null; detail: Record<string, unknown> }[] {
  const result = runRetain(['audit', '--db', db, '--action', action, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('retain train / score / models', () => {
  it('train --json prints the model id, backend, validation metrics and baselines', () => {
    const result = runRetain(['train', '--db', db, '--horizon', '90', '--seed', '4', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ asOf: '2025-12-31', horizonDays: 90 });
    expect(typeof json.modelId).toBe('string');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(json.backend);
    for (const key of ['auc', 'prAuc', 'brier', 'logLoss', 'liftTop10'])
      expect(typeof json.validation[key]).toBe('number');
    for (const baseline of ['recency', 'rfmLogistic', 'bgnbd', 'gbt'])
      expect(typeof json.baselines[baseline].auc).toBe('number');
    expect(json.trainSeconds).toBeGreaterThan(0);
    // Which scorer is active and why, and every candidate's pooled metrics with their intervals.
    expect(['stack', 'network', 'gbt', 'rfmLogistic', 'bgnbd', 'recency']).toContain(json.selected.name);
    expect(json.selected.reason).toMatch(/ranks churners|only candidate/);
    const names = json.candidates.map((c: { name: string }) => c.name).sort();
    expect(names).toEqual(['bgnbd', 'gbt', 'network', 'recency', 'rfmLogistic', 'stack']);
    const active = json.candidates.filter((c: { selected: boolean }) => c.selected);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      name: json.selected.name,
      auc: json.validation.auc,
      versusSelected: null,
    });
    for (const c of json.candidates) {
      expect(c.intervals.auc.lower).toBeLessThanOrEqual(c.auc);
      expect(c.intervals.auc.upper).toBeGreaterThanOrEqual(c.auc);
      expect(typeof c.brier).toBe('number');
    }
    expect(json.origins.length).toBeGreaterThan(0);
  }, 300_000);

  it('score --out writes one CRLF row per customer, reasons joined with " | ", and audits the export', () => {
    const out = path.join(demo.dir, 'scores.csv');
    const result = runRetain(['score', '--db', db, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const lines = fs.readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe(
      'customer_id,churn_probability,value_at_risk,segment,reasons,expected_revenue_12m,rfm,model_id,as_of',
    );
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(summary.customers + 1);
    expect(lines.some((line) => line.includes(' | '))).toBe(true);
    const [entry] = auditEntries('export');
    expect(entry).toMatchObject({
      username: null,
      detail: {
        via: 'cli',
        export: 'scores',
        modelId: summary.modelId,
        asOf: summary.asOf,
        rows: summary.customers,
        format: 'csv',
        file: out,
      },
    });
  }, 120_000);

  it('audits each training it starts, with its settings', () => {
    expect(auditEntries('train')).toMatchObject([
      { username: null, detail: { via: 'cli', asOf: null, horizonDays: 90, seed: 4 } },
    ]);
  });

  it('models lists the versions; bad input exits 2', () => {
    const models = runRetain(['models', '--db', db, '--json']);
    expect(models.code, models.stderr).toBe(0);
    expect(JSON.parse(models.stdout)[0]).toMatchObject({ active: true, horizonDays: 90 });
    expect(typeof JSON.parse(models.stdout)[0].scorer).toBe('string');
    expect(runRetain(['train', '--db', db, '--horizon', 'soon']).code).toBe(2);
    expect(runRetain(['score', '--db', db, '--model', 'm-missing']).code).toBe(2);
    const { dir, cleanup } = tempDir('retain-cli-empty-');
    try {
      const empty = runRetain(['train', '--db', path.join(dir, 'empty.duckdb')]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/no purchases/);
    } finally {
      cleanup();
    }
  }, 120_000);

  it('train and score --engine refuse a URL they cannot use with one line naming --engine, before any training', () => {
    const before = auditEntries('train').length;
    for (const verb of ['train', 'score']) {
      const result = runRetain([verb, '--db', db, '--engine', 'postgres://me@db:5432/shop/public']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --engine: /);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    }
    expect(auditEntries('train')).toHaveLength(before);
  });
});
