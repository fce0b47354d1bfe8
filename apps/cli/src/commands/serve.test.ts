import { spawn } from 'node:child_process';
import path from 'node:path';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETAIN_BIN, runRetain } from '../testing/runRetain.ts';

interface AuditJson {
  username: string | null;
  action: string;
  detail: Record<string, unknown>;
}

/**
 * Runs `retain serve --demo-if-empty` on an empty database until `done` matches its output (the
 * first model is ready, or failed), then stops it as Ctrl-C would and returns what it printed.
 */
function serveUntil(db: string, done: RegExp): Promise<string> {
  const child = spawn(
    process.execPath,
    [RETAIN_BIN, 'serve', '--db', db, '--port', '0', '--demo-if-empty', '--demo-customers', '500'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let log = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (done.test(log)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      done.test(log) ? resolve(log) : reject(new Error(`retain serve exited with ${code}:\n${log}`)),
    );
  });
}

describe('retain serve --demo-if-empty', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  let log: string;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-cli-serve-'));
    db = path.join(dir, 'retain.duckdb');
    log = await serveUntil(db, /\[churn\] (model \S+ ready|could not train|training failed)/);
  }, 180_000);
  afterAll(() => cleanup());

  const entries = (action: string): AuditJson[] => {
    const result = runRetain(['audit', '--db', db, '--action', action, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('records the demo load in the audit log, with how the data was generated', () => {
    expect(log).toContain('The warehouse is empty: generating demo data');
    const [load, ...more] = entries('ingest');
    expect(more).toEqual([]);
    expect(load).toMatchObject({
      username: null,
      detail: {
        via: 'cli',
        command: 'serve --demo-if-empty',
        demo: { customers: 500, seed: 42 },
        dataVersion: 1,
        files: ['customers', 'purchases', 'complaints', 'returns'].map((section) => ({
          section,
          name: path.join(dir, 'demo', `${section}.csv`),
        })),
      },
    });
    expect(load?.detail.inserted).toMatchObject({ customers: 500, purchases: expect.any(Number) });
  });

  it('records the first model training it starts by itself', () => {
    expect(log).toMatch(/\[churn\] model \S+ ready/);
    const [training, ...more] = entries('train');
    expect(more).toEqual([]);
    expect(training).toMatchObject({
      username: null,
      detail: { via: 'cli', command: 'serve', reason: 'no model yet' },
    });
    expect(training?.detail.jobId).toMatch(/^train-/);
  });
});
