import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Warehouse } from '@retain/warehouse';
import { query } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoWarehouse } from './testing/fixtures.ts';
import { trainChurnModel } from './train.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing/trainChild.ts');

function trainAndKill(db: string, at: string): Promise<{ signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(at)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, out }));
  });
}

describe('a training process killed with SIGKILL', () => {
  let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
  let db: string;
  let previous: string;

  beforeAll(async () => {
    demo = await openDemoWarehouse(600, 3);
    db = demo.warehouse.path;
    previous = (await trainChurnModel(demo.warehouse, { runner: 'inline' })).modelId;
    demo.warehouse.close();
  }, 120_000);
  afterAll(() => demo.close());

  const state = async () => {
    const warehouse = await Warehouse.open(db);
    try {
      return {
        models: await query(warehouse, 'SELECT model_id FROM models ORDER BY model_id'),
        runs: await query(warehouse, 'SELECT model_id, customers FROM score_runs'),
        scores: await query(warehouse, 'SELECT model_id, count(*) AS n FROM scores GROUP BY ALL'),
        active: await query(warehouse, 'SELECT DISTINCT model_id FROM latest_scores'),
      };
    } finally {
      warehouse.close();
    }
  };

  it.each(['final-fit', 'registering'])(
    'at "%s" leaves the previous model active and the database whole',
    async (at) => {
      const before = await state();
      expect(before.active).toEqual([{ model_id: previous }]);
      const killed = await trainAndKill(db, at);
      expect(killed.signal, killed.out).toBe('SIGKILL');
      expect(killed.out).not.toContain('done');
      expect(await state()).toEqual(before);
      // Whatever the run left in models/ is not a registered version.
      const folders = fs
        .readdirSync(path.join(path.dirname(db), 'models'))
        .filter((f) => !f.startsWith('.tmp-'));
      expect(folders).toContain(previous);
    },
    120_000,
  );
});
