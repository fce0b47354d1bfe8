import fs from 'node:fs';
import { addUser, createSession } from '@retain/access';
import { HAND_FIXTURE, openFixture } from '@retain/analytics/testing';
import { API_REQUEST_HEADERS, ROLES, type Role } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appRouter } from './root.ts';
import { type RunningServer, startServer } from './server.ts';
import { INTERNALS, ownPageHeaders } from './testing/http.ts';

/**
 * Errors reach clients as a code and a message for people. Every procedure, called by every role
 * and by no one, with inputs that are wrong and inputs that are right, over real HTTP on a real
 * DuckDB: no response may carry a stack trace, a source path, the SQL the server runs or the folder
 * it keeps files in. Failures of the server's own (a query that breaks, a disk that refuses a
 * file) answer with a reference that the server's log has beside the whole error.
 */

/** Spellings of the SQL the server itself runs (loads, reads, the schema), never the user's own. */
const INTERNAL_SQL =
  /\b(read_csv(_auto)?|read_json(_auto)?|read_parquet|INSERT INTO|CREATE (OR REPLACE )?(TEMP(ORARY)? )?(TABLE|VIEW)|TRY_CAST|strptime|information_schema|getRowObjects|runAndReadAll)\b/i;
const GENERIC = /^Something went wrong on the server; it has been logged \(ref ([0-9a-f]{8})\)\.$/;

const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, p]) => ({ path, type: p._def.type as 'query' | 'mutation' | 'subscription' }));

const UNKNOWN_UPLOAD = '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b';

/** Inputs a procedure accepts (its answer may still be "not found"); the rest get `{}` and none. */
const GOOD: Record<string, unknown[]> = {
  'auth.login': [{ username: 'nobody', password: 'not the password' }],
  'cohorts.customers': [{ cohort: '2024-01' }, { cohort: 'no such cohort', offset: 3 }],
  'scores.customer': [{ customerId: 'A3' }],
  'atRisk.recordOutcome': [
    { customerId: 'A3', outcome: 'reached' },
    { customerId: 'nobody', outcome: 'reached' },
  ],
  'atRisk.outcomes': [{ customerId: 'A3' }],
  'atRisk.export': [{ top: 10 }],
  'data.inspect': [{ uploadId: UNKNOWN_UPLOAD }],
  'data.ingest': [
    {
      jobId: 'job-walk-0001',
      files: [{ uploadId: UNKNOWN_UPLOAD, section: 'purchases', columns: { order_id: 'id' } }],
    },
  ],
  'data.progress': [{ jobId: 'job-walk-done' }],
  'model.evaluation': [{ modelId: 'no-such-model' }],
  'query.run': [
    { sql: 'SELECT 1 AS one' },
    { sql: 'SELECT * FROM no_such_table' },
    { sql: 'DELETE FROM purchases' },
  ],
  'query.save': [{ name: 'walk', sql: 'SELECT 1' }],
  'query.remove': [{ queryId: UNKNOWN_UPLOAD }],
  'users.add': [{ username: 'walker', role: 'analyst', password: 'walker has a long password' }],
  'users.remove': [{ username: 'nobody' }],
  'users.resetPassword': [{ username: 'nobody', password: 'nobody has a long password' }],
};
/** Inputs no procedure accepts, or that break on the way in. */
const BAD: unknown[] = [
  12345,
  'x',
  null,
  [],
  { uploadId: 'not-a-uuid', jobId: 7, sql: 1, customerId: '' },
  { a: { b: { c: [1, { d: 'e' }] } } },
];
/**
 * A training run is a minute of CPU in a worker, and every field of its input has a default (an
 * object with unknown keys would start one): it gets only inputs that cannot pass.
 */
const TRAIN = 'model.train';
const BAD_TRAINING: unknown[] = [
  12345,
  'x',
  null,
  [],
  { seed: 'seven' },
  { horizonDays: 1 },
  { asOf: '2024-02-30' },
];
/** Ends the caller's session: called last. */
const SIGNS_OUT = 'auth.logout';

describe('no internals in responses', () => {
  let warehouse: Warehouse;
  let close: () => void;
  let server: RunningServer;
  const log: { line: string; error: unknown }[] = [];
  const cookies = new Map<Role | null, string>();

  beforeAll(async () => {
    ({ warehouse, close } = await openFixture(HAND_FIXTURE));
    for (const role of ROLES) await addUser(warehouse, `${role}-user`, role, `${role} has a long password`);
    server = await startServer({
      warehouse,
      port: 0,
      host: '127.0.0.1',
      authRequired: true,
      log: (line, error) => log.push({ line, error }),
    });
    cookies.set(null, '');
    for (const role of ROLES) cookies.set(role, await signInAs(role));
    // A load that has ended, for data.progress to replay.
    server.services.loads.publish('job-walk-done', { section: null, step: 'failed', percent: 100 }, true);
  });
  afterAll(async () => {
    await server.close();
    close();
  });

  /** One call as the dashboard makes it; the raw body and status. */
  async function call(path: string, type: string, input: unknown, role: Role | null) {
    const cookie = cookies.get(role) ?? '';
    const encoded = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res =
      type === 'mutation'
        ? await fetch(`${server.url}/trpc/${path}`, {
            method: 'POST',
            headers: ownPageHeaders(server.url, cookie),
            body: input === undefined ? undefined : JSON.stringify(input),
          })
        : await fetch(`${server.url}/trpc/${path}${encoded}`, {
            headers: cookie ? { cookie } : {},
            signal: AbortSignal.timeout(5000),
          });
    return { status: res.status, body: await res.text() };
  }

  /** Whatever a response says, it says nothing of the server's insides; a 5xx says only where the log has it. */
  function expectNothingInternal(what: string, status: number, body: string) {
    for (const pattern of [...INTERNALS, INTERNAL_SQL])
      expect(body, `${what}: ${pattern}`).not.toMatch(pattern);
    expect(body, what).not.toContain(server.services.uploads.root);
    // info.get names the database file on purpose (the Data page shows it); an error never does.
    if (status >= 400 || body.includes('serialized-error')) expect(body, what).not.toContain(warehouse.path);
    if (status >= 500) {
      const message = (JSON.parse(body) as { error: { message: string } }).error.message;
      const reference = GENERIC.exec(message)?.[1];
      expect(reference, `${what}: ${message}`).toBeDefined();
      expect(log.some(({ line }) => line.includes(`ref ${reference}`))).toBe(true);
    }
  }

  it('walks every procedure, role by role, with wrong and right inputs', async () => {
    let calls = 0;
    const statuses = new Set<number>();
    // The roles side by side, as several people use one server; all settle before a failure is told.
    const walks = await Promise.allSettled(
      ([null, ...ROLES] as const).map(async (role) => {
        for (const { path, type } of PROCEDURES) {
          if (path === SIGNS_OUT) continue;
          const inputs = path === TRAIN ? BAD_TRAINING : [...BAD, undefined, {}, ...(GOOD[path] ?? [])];
          for (const input of inputs) {
            const { status, body } = await call(path, type, input, role);
            expectNothingInternal(
              `${role ?? 'anonymous'} ${path}(${JSON.stringify(input)}) → ${status}`,
              status,
              body,
            );
            statuses.add(status);
            calls++;
          }
        }
      }),
    );
    for (const walk of walks) if (walk.status === 'rejected') throw walk.reason;
    // Queries sent as mutations and the other way round are refused, and say only that.
    for (const { path, type } of PROCEDURES) {
      const { status, body } = await call(path, type === 'mutation' ? 'query' : 'mutation', {}, 'admin');
      expectNothingInternal(`${path} by the wrong method`, status, body);
      calls++;
    }
    for (const role of ROLES) {
      const { status, body } = await call(SIGNS_OUT, 'mutation', undefined, role);
      expect(status).toBe(200);
      expectNothingInternal(`${role} signs out`, status, body);
      calls++;
    }
    console.log(`${calls} calls; statuses ${[...statuses].sort().join(', ')}`);
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
    expect(statuses).toContain(403);
  });

  it('answers a failure inside a query with a reference, and logs the whole error under it', async () => {
    const cookie = await signInAs('admin');
    const failure = new Error(
      'Binder Error: Referenced column "secret" not found in FROM clause!\nLINE 1: SELECT secret FROM read_csv_auto(\'/srv/retain/uploads/x.csv\')',
    );
    // The first read finds the session; the second, the procedure's own, fails.
    const read = warehouse.read.bind(warehouse);
    const spy = vi
      .spyOn(warehouse, 'read')
      .mockImplementationOnce((task) => read(task))
      .mockRejectedValueOnce(failure);
    try {
      const res = await fetch(`${server.url}/trpc/users.list`, { headers: { cookie } });
      const body = await res.text();
      expect(res.status).toBe(500);
      expectNothingInternal('a failing query', res.status, body);
      const reference = GENERIC.exec((JSON.parse(body) as { error: { message: string } }).error.message)?.[1];
      const logged = log.find(({ line }) => line.includes(`ref ${reference}`));
      expect(logged?.line).toMatch(/^\[api\] users\.list failed/);
      expect(logged?.error).toBe(failure);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers a failure while storing an upload, and while exporting a call list, the same way', async () => {
    const cookie = await signInAs('admin');
    // The uploads folder cannot be made: a file is in its place.
    fs.writeFileSync(server.services.uploads.root, 'in the way');
    try {
      const res = await fetch(`${server.url}/upload?name=orders.csv`, {
        method: 'POST',
        headers: { ...API_REQUEST_HEADERS, cookie },
        body: 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,1\n',
      });
      const body = await res.text();
      expect(res.status).toBe(500);
      const { error } = JSON.parse(body) as { error: string };
      expect(error).toMatch(GENERIC);
      expect(body).not.toContain(server.services.uploads.root);
      expect(log.find(({ line }) => line.includes(`ref ${GENERIC.exec(error)?.[1]}`))?.line).toMatch(
        /^\[upload\]/,
      );
    } finally {
      fs.rmSync(server.services.uploads.root);
    }

    const { url } = server.services.downloads.issue({ filters: {}, bom: false, username: 'admin-user' });
    const spy = vi
      .spyOn(warehouse, 'session')
      .mockRejectedValueOnce(new Error('IO Error: could not open /srv/x'));
    try {
      const res = await fetch(`${server.url}${url}`);
      const body = await res.text();
      expect(res.status).toBe(500);
      expect(body).toMatch(GENERIC);
      expect(log.find(({ line }) => line.includes(`ref ${GENERIC.exec(body)?.[1]}`))?.line).toMatch(
        /^\[export\]/,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('reports a file that fails to load by its name, not by where the server keeps it', async () => {
    const cookie = await signInAs('admin');
    const upload = await fetch(`${server.url}/upload?name=nested.json`, {
      method: 'POST',
      headers: { ...API_REQUEST_HEADERS, cookie },
      body: JSON.stringify([
        {
          order_id: 'O1',
          customer_id: 'C1',
          order_date: '2024-01-01',
          amount: { value: 1, currency: 'EUR' },
        },
      ]),
    });
    const { uploadId } = (await upload.json()) as { uploadId: string };
    const columns = {
      order_id: 'order_id',
      customer_id: 'customer_id',
      order_date: 'order_date',
      amount: 'amount',
    };
    const res = await fetch(`${server.url}/trpc/data.ingest`, {
      method: 'POST',
      headers: ownPageHeaders(server.url, cookie),
      body: JSON.stringify({ jobId: 'job-nested-01', files: [{ uploadId, section: 'purchases', columns }] }),
    });
    const body = await res.text();
    expect(res.status).toBeLessThan(500);
    expectNothingInternal('a load of nested amounts', res.status, body);
    const issues =
      (JSON.parse(body) as { error: { data: { issues?: { file: string }[] } } }).error.data.issues ?? [];
    for (const issue of issues) expect(issue.file).toBe('nested.json');
    // The progress stream of the failed load says that it failed, and nothing more.
    const progress = await fetch(
      `${server.url}/trpc/data.progress?input=${encodeURIComponent('{"jobId":"job-nested-01"}')}`,
      { headers: { cookie }, signal: AbortSignal.timeout(5000) },
    );
    const events = await progress.text();
    expect(events).toContain('"step":"failed"');
    expectNothingInternal('the progress of a failed load', progress.status, events);
  });

  /** A session made in-process: the walk's wrong passwords soon rate-limit sign-ins from this address. */
  async function signInAs(role: Role): Promise<string> {
    return `retain_session=${(await createSession(warehouse, `${role}-user`)).token}`;
  }
});
