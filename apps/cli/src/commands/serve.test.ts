import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, RETAIN_BIN, runRetain } from '../testing/runRetain.ts';

interface AuditJson {
  username: string | null;
  action: string;
  detail: Record<string, unknown>;
}

/**
 * Runs `retain serve --demo-if-empty` on an empty database until `done` matches its output (the
 * first model is ready, or failed), then stops it as Ctrl-C would and returns what it printed.
 */
function serveUntil(db: string, done: RegExp, signal: NodeJS.Signals = 'SIGTERM'): Promise<string> {
  return serveAndStop(db, done, signal).then(({ log }) => log);
}

/** As serveUntil, and the exit code too. */
function serveAndStop(
  db: string,
  done: RegExp,
  signal: NodeJS.Signals,
): Promise<{ log: string; code: number | null }> {
  const child = spawn(
    process.execPath,
    [RETAIN_BIN, 'serve', '--db', db, '--port', '0', '--demo-if-empty', '--demo-customers', '500'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let log = '';
  let signalled = false;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!signalled && done.test(log)) {
        signalled = true;
        child.kill(signal);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      done.test(log)
        ? resolve({ log, code })
        : reject(new Error(`retain serve exited with ${code}:\n${log}`)),
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

  it('says how far the demo data has got while it is made and loaded, and where to watch the first model', () => {
    const lines = log.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const steps = [
      /^The warehouse is empty: generating demo data \(500 customers\)/,
      /^ {2}generated 500 of 500 customers \(100%\)$/,
      /^ {2}[\d,]+ order lines, [\d,]+ complaints and [\d,]+ returns written in \d+ s; loading them into the warehouse …$/,
      /^ {2}loading customers …$/,
      /^ {2}loading returns …$/,
      /^Loaded [\d,]+ order lines, [\d,]+ complaints and [\d,]+ returns in \d+ s \(data version 1\)\.$/,
      /^Retain is running at http:\/\/[\w.]+:\d+/,
      /^No churn model yet: training the first one in the background; the dashboard answers meanwhile\. Watch it on http:\/\/[\w.]+:\d+\/model; the call list appears on http:\/\/[\w.]+:\d+\/at-risk when it is done\.$/,
      /^\[churn\] model \S+ ready/,
      /^SIGTERM: stopping Retain… \(again to stop at once\)$/,
      /^Closing the dashboard’s connections; downloads in progress are cut off\.$/,
      /^Stopped\.$/,
    ];
    const found = steps.map(at);
    expect(
      found.every((i) => i >= 0),
      `${steps[found.indexOf(-1)]} in\n${log}`,
    ).toBe(true);
    expect([...found].sort((a, b) => a - b)).toEqual(found);
    // The run was over when the server was stopped: nothing said to be interrupted.
    expect(log).not.toContain('Interrupting');
  });

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

describe('retain serve stopped while the first model trains', () => {
  it('says what it interrupts, that nothing of the run is kept, and that it stopped', async () => {
    const { dir, cleanup } = tempDir('retain-cli-serve-stop-');
    try {
      const { log, code } = await serveAndStop(
        path.join(dir, 'retain.duckdb'),
        /No churn model yet[^\n]*\n\[churn\] /,
        'SIGINT',
      );
      expect(code).toBe(0);
      expect(log).toMatch(/^Ctrl-C: stopping Retain… \(again to stop at once\)$/m);
      expect(log).toMatch(
        /^Interrupting the churn model training started \d{4}-\d{2}-\d{2}T[\d:.]+Z \([^)]*\d+%\): nothing of it is kept, the scores in use stay as they were\.$/m,
      );
      expect(log).toMatch(/^\[churn\] training stopped\.$/m);
      expect(log).not.toMatch(/training failed|could not train/);
      expect(log.trimEnd().endsWith('Stopped.')).toBe(true);
    } finally {
      cleanup();
    }
  }, 180_000);
});

describe('retain serve --engine without a cluster', () => {
  // No engine or password from the surrounding environment.
  const NONE = { RETAIN_ENGINE: '', RETAIN_TRINO_PASSWORD: '' };

  it('exits 2 naming --engine for a URL it cannot use, before opening the database', () => {
    const { dir, cleanup } = tempDir('retain-cli-serve-engine-');
    try {
      const db = path.join(dir, 'retain.duckdb');
      const result = runRetain(
        ['serve', '--db', db, '--port', '0', '--engine', 'http://me@trino:8080/lake/sales'],
        NONE,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: --engine: http:\/\/me@trino:8080\/lake\/sales is not a Trino engine URL/,
      );
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
      expect(fs.existsSync(db)).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('exits 1 with one line naming the engine when nothing answers there', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');
    const result = runRetain(
      [
        'serve',
        '--port',
        '0',
        '--demo-if-empty',
        '--engine',
        `trino://retain@127.0.0.1:${address.port}/lake/default`,
      ],
      NONE,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: Trino at 127.0.0.1:${address.port} cannot be reached (ECONNREFUSED): is the cluster running, and is this the coordinator's address?`,
    ]);
  });

  it('lists --engine in its help', () => {
    expect(runRetain(['serve', '--help']).stdout).toContain('--engine <url>');
  });
});
