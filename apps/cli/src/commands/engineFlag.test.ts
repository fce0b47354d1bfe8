import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

/*
 * --engine and RETAIN_ENGINE without a cluster: URLs that cannot be used, and an engine nobody
 * answers at. (The verbs' figures on a real cluster are compared in packages/trino.)
 */

let db: string;
let cleanup: () => void;
let port: number;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
  // A loopback port nothing listens on: bound, then released.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});
afterAll(() => cleanup?.());

/** No engine or password from the surrounding environment. */
const NONE = { RETAIN_ENGINE: '', RETAIN_TRINO_PASSWORD: '' };
const FORM = '(trino://USER@HOST:PORT/CATALOG/SCHEMA)';

describe('retain analytics verbs: --engine', () => {
  it.each([
    [
      'postgres://me@db:5432/shop/public',
      `error: --engine: postgres://me@db:5432/shop/public is not a Trino engine URL: it starts with postgres://, not trino:// ${FORM}`,
    ],
    [
      'trino://me@trino:8080/lake',
      `error: --engine: trino://me@trino:8080/lake is not a Trino engine URL: the path must be /CATALOG/SCHEMA ${FORM}`,
    ],
    [
      'trino://trino:8080/lake/sales',
      `error: --engine: trino://trino:8080/lake/sales is not a Trino engine URL: it names no user (USER@ before the host) ${FORM}`,
    ],
  ])('refuses %s with exit 2 and one line naming --engine', (url, message) => {
    for (const verb of ['cohorts', 'repeat', 'kpis', 'trend']) {
      const result = runRetain([verb, '--engine', url], NONE);
      expect(result.code, verb).toBe(2);
      expect(result.stderr.trim()).toBe(message);
      expect(result.stdout).toBe('');
    }
  });

  it('refuses a password in the URL without printing it', () => {
    const result = runRetain(
      ['cohorts', '--engine', 'trino://me:hunter2@trino:8443/lake/sales?ssl=true'],
      NONE,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: --engine: the engine URL holds a password: give it in RETAIN_TRINO_PASSWORD',
    );
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  it('refuses to send RETAIN_TRINO_PASSWORD over plain HTTP', () => {
    const result = runRetain(['kpis', '--engine', 'trino://me@trino:8080/lake/sales'], {
      RETAIN_TRINO_PASSWORD: 'hunter2',
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error: --engine: a Trino password is only sent over HTTPS: add ?ssl=true to the engine URL',
    );
  });

  it('says so as JSON with --json', () => {
    const result = runRetain(['repeat', '--json', '--engine', 'http://me@trino:8080/lake/sales'], NONE);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'engine_url', field: 'engine' } });
  });

  it('exits 1 with one line naming the engine when nothing answers there', () => {
    const result = runRetain(['cohorts', '--engine', `trino://retain@127.0.0.1:${port}/lake/default`], NONE);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: Trino at 127.0.0.1:${port} cannot be reached (ECONNREFUSED): is the cluster running, and is this the coordinator's address?`,
    ]);
    expect(result.stderr).not.toMatch(INTERNAL_ERROR);
  });

  it('lists --engine in each verb’s help', () => {
    for (const verb of ['cohorts', 'repeat', 'kpis', 'trend']) {
      expect(runRetain([verb, '--help']).stdout).toContain('--engine <url>');
    }
  });
});

describe('retain analytics verbs: RETAIN_ENGINE', () => {
  it('reads the cluster it names when no --engine is given, over --db', () => {
    const result = runRetain(['kpis', '--db', db], {
      ...NONE,
      RETAIN_ENGINE: `trino://retain@127.0.0.1:${port}/lake/default`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: Trino at 127.0.0.1:${port} cannot be reached`);
  });

  it('gives way to --engine', () => {
    const result = runRetain(['kpis', '--engine', `trino://retain@127.0.0.1:${port}/lake/default`], {
      ...NONE,
      RETAIN_ENGINE: 'trino://retain@127.0.0.1:1/lake/default',
    });
    expect(result.stderr).toContain(`Trino at 127.0.0.1:${port}`);
  });

  it('exits 2 naming RETAIN_ENGINE when it is not a Trino URL', () => {
    const result = runRetain(['cohorts', '--db', db], { ...NONE, RETAIN_ENGINE: 'lake.sales' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `error: environment variable RETAIN_ENGINE: lake.sales is not a Trino engine URL: it cannot be read as a URL ${FORM}`,
    );
  });

  it('leaves the embedded database in use when unset or blank', () => {
    const result = runRetain(['repeat', '--db', db, '--json'], NONE);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dataEnd: '2024-03-10' });
  });
});
