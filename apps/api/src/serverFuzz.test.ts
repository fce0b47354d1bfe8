import path from 'node:path';
import { addUser } from '@retain/access';
import { API_REQUEST_HEADER, API_REQUEST_HEADERS } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from './root.ts';
import { type RunningServer, startServer } from './server.ts';
import { INTERNALS, type RawRequestOptions, type RawResponse, rawRequest } from './testing/http.ts';

/**
 * `retain serve` faces whoever can reach it. Thousands of malformed and random requests, seeded so
 * that a failure replays, against a demo server (every request is an admin, so requests get deep)
 * and one that requires sign-in (cookies are read): the server must answer each without a 5xx and
 * without a trace of its insides, and be up and answering correctly afterwards.
 */

/** A small, seeded generator (mulberry32): the same requests on every run. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  const bytes = (n: number, from = 0, to = 256) =>
    Buffer.from(Array.from({ length: n }, () => from + int(to - from)));
  return { int, pick, chance, bytes };
}
type Random = ReturnType<typeof random>;

const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
)
  // A training run is a minute of CPU in a worker, and its input has a default: a random body
  // could start one. Its refusals are probed in sameOrigin.test.ts.
  .filter(([path]) => path !== 'model.train')
  .map(([path, p]) => ({ path, type: p._def.type }));

const BROKEN_ESCAPES = [
  '%',
  '%E0%A4%A',
  '%zz',
  '%%',
  '%C0%AF',
  '%ED%A0%80',
  '%FF',
  '%00',
  '%0d%0a',
  '%2e%2e%2f',
  '%u0041',
];
const PATH_PREFIXES = [
  '/',
  '/assets/',
  '/trpc/',
  '/trpc/info.get?input=',
  '/upload?name=',
  '/export/call-list.csv?token=',
  '/healthz?x=',
  '/login?from=',
];
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'get',
  'GETT',
  'M-SEARCH',
];
const CONTENT_TYPES = [
  'application/json',
  'APPLICATION/JSON; charset=utf-8',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/octet-stream',
  '',
  'application/json;;;',
  '*/*',
];

interface Probe {
  kind: string;
  request: string | Buffer;
  options: RawRequestOptions;
  /** Whether a response must come back (not for requests cut short on purpose, nor for streams). */
  answered: boolean;
}

/** An HTTP/1.1 request as bytes: a request line, headers as given (duplicates and all), a body. */
function httpRequest(
  method: string,
  target: string | Buffer,
  headers: [string, string | Buffer][],
  body: string | Buffer = '',
  { contentLength = true, host = true } = {},
): Buffer {
  const lines: Buffer[] = [
    Buffer.concat([Buffer.from(`${method} `), Buffer.from(target), Buffer.from(' HTTP/1.1\r\n')]),
  ];
  if (host) lines.push(Buffer.from('Host: localhost\r\n'));
  for (const [name, value] of headers)
    lines.push(Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value), Buffer.from('\r\n')]));
  const payload = Buffer.from(body);
  if (contentLength && payload.length > 0) lines.push(Buffer.from(`Content-Length: ${payload.length}\r\n`));
  lines.push(Buffer.from('Connection: close\r\n\r\n'), payload);
  return Buffer.concat(lines);
}

function randomJson(r: Random, depth = 0): unknown {
  const leaf = () =>
    r.pick<() => unknown>([
      () => r.int(1e9) - 5e8,
      () => r.int(1000) / 7,
      () => r.bytes(r.int(20), 32, 127).toString('latin1'),
      () => 'ü€😀\u0000\u2028'.slice(0, r.int(6)),
      () => null,
      () => r.chance(0.5),
      () => '2024-02-30',
      () => '00000000-0000-0000-0000-000000000000',
      () => 'x'.repeat(r.int(5000)),
    ])();
  if (depth > 3 || r.chance(0.4)) return leaf();
  if (r.chance(0.5)) return Array.from({ length: r.int(5) }, () => randomJson(r, depth + 1));
  const keys = [
    '0',
    '1',
    'json',
    'input',
    'jobId',
    'uploadId',
    'sql',
    'username',
    'password',
    'filters',
    'page',
    '__proto__',
    'constructor',
    'lastEventId',
  ];
  return Object.fromEntries(Array.from({ length: r.int(5) }, () => [r.pick(keys), randomJson(r, depth + 1)]));
}

/** A JSON-ish body: valid JSON of any shape, or JSON broken in one of the usual ways. */
function randomBody(r: Random): string {
  const json = JSON.stringify(randomJson(r)) ?? 'null';
  return r.pick<() => string>([
    () => json,
    () => json.slice(0, r.int(json.length + 1)),
    () => `{"0":${json}}`,
    () => `[${json}]`,
    () => '{"0":{"json":',
    () => 'NaN',
    () => `${json}garbage`,
    () => '\u0000\u0001\u0002',
    () => '{'.repeat(2000),
    () => r.bytes(r.int(200)).toString('latin1'),
  ])();
}

function randomProcedurePath(r: Random): string {
  if (r.chance(0.1))
    return r.pick([
      'nope',
      'info',
      'info.get.x',
      '.',
      '..',
      'auth..login',
      '__proto__.toString',
      'a'.repeat(3000),
    ]);
  if (r.chance(0.2)) {
    const count = r.chance(0.1) ? 150 : 1 + r.int(5);
    return Array.from({ length: count }, () => r.pick(PROCEDURES).path).join(',');
  }
  return r.pick(PROCEDURES).path;
}

function randomCookie(r: Random): string {
  return r.pick<() => string>([
    () => 'retain_session=%E0%A4%A',
    () => `retain_session=${r.pick(BROKEN_ESCAPES)}`,
    () => `retain_session=${'A'.repeat(r.int(20_000))}`,
    () => 'retain_session=; retain_session=x; =; ;;; a',
    () => `retain_session=${r.bytes(40, 33, 127).toString('latin1').replace(/;/g, '')}`,
    () => `a=${r.pick(BROKEN_ESCAPES)}; retain_session="quoted"`,
    () => '',
  ])();
}

/** Headers that a browser or a proxy would not send, mixed into otherwise ordinary requests. */
function oddHeaders(r: Random): [string, string | Buffer][] {
  const headers: [string, string | Buffer][] = [];
  for (let i = r.int(4); i > 0; i--) {
    headers.push(
      r.pick<() => [string, string | Buffer]>([
        () => ['Cookie', randomCookie(r)],
        () => ['Cookie', randomCookie(r)],
        () => ['X-Big', 'b'.repeat(r.int(40_000))],
        () => ['X-Bytes', r.bytes(30, 0x80, 0x100)],
        () => [
          'Origin',
          r.pick(['null', 'http://localhost:1', 'http://[', 'x', 'http://localhost, http://evil']),
        ],
        () => ['Sec-Fetch-Site', r.pick(['cross-site', 'same-site', 'same-origin', 'none', 'garbage', ''])],
        () => ['Host', r.pick(['localhost', 'a b', '[', 'localhost:99999', ''])],
        () => ['Content-Length', r.pick(['abc', '-1', '99999999999999999999', '0, 5'])],
        () => ['Transfer-Encoding', r.pick(['chunked', 'gzip', 'chunked, identity'])],
        () => ['Accept', r.pick(['application/jsonl', 'text/event-stream', '*/*'])],
        () => ['trpc-accept', r.pick(['application/jsonl', 'garbage'])],
        () => ['Last-Event-ID', r.bytes(10, 33, 127).toString('latin1')],
        () => ['X-Forwarded-Proto', 'https'],
        () => [API_REQUEST_HEADER, r.pick(['1', '0', '1, 1'])],
        () => [`X-${r.int(1e6)}`, 'v'],
      ])(),
    );
  }
  if (r.chance(0.05)) for (let i = 0; i < 150; i++) headers.push([`X-Many-${i}`, 'v']);
  return headers;
}

const multipartBody = (r: Random) =>
  `--xyz\r\nContent-Disposition: form-data; name="file"; filename="${r.pick(['a.csv', '../../x.csv', '%E0%A4%A'])}"\r\nContent-Type: text/csv\r\n\r\norder_id,customer_id\r\n1,2\r\n--xyz${r.chance(0.5) ? '--' : ''}\r\n`;

function probe(r: Random): Probe {
  const wait = (kind: string, request: Buffer, options: RawRequestOptions = {}): Probe => ({
    kind,
    request,
    options,
    answered: true,
  });
  const apiHeader = (): [string, string][] => (r.chance(0.7) ? Object.entries(API_REQUEST_HEADERS) : []);
  switch (r.int(11)) {
    case 0: {
      const target = Buffer.concat([Buffer.from('/'), r.bytes(r.int(60), 0x21, 0x100)]);
      return wait('random bytes in the path', httpRequest('GET', target, oddHeaders(r)));
    }
    case 1: {
      const target = `${r.pick(PATH_PREFIXES)}${r.pick(BROKEN_ESCAPES)}${r.chance(0.5) ? r.pick(BROKEN_ESCAPES) : ''}`;
      return wait(
        'broken percent-encoding',
        httpRequest(r.pick(['GET', 'POST', 'HEAD']), target, [...apiHeader(), ...oddHeaders(r)]),
      );
    }
    case 2: {
      const target = r.pick([
        '/',
        '/healthz',
        '/trpc/info.get',
        '/trpc/auth.me',
        '/data',
        '/assets/app.js',
        '/upload?name=a.csv',
      ]);
      return wait(
        'odd headers and cookies',
        httpRequest('GET', target, [...oddHeaders(r), ['Cookie', randomCookie(r)]]),
      );
    }
    case 3: {
      const path = randomProcedurePath(r);
      const batch = path.includes(',') || r.chance(0.3);
      const headers: [string, string][] = [...apiHeader(), ['Content-Type', r.pick(CONTENT_TYPES)]];
      const body = r.chance(0.2) ? multipartBody(r) : randomBody(r);
      return wait(
        'tRPC POST',
        httpRequest('POST', `/trpc/${path}${batch ? '?batch=1' : ''}`, [...headers, ...oddHeaders(r)], body),
      );
    }
    case 4: {
      const procedure = r.pick(PROCEDURES);
      const input = r.chance(0.2) ? r.pick(BROKEN_ESCAPES) : encodeURIComponent(randomBody(r));
      const query = r.pick([
        `input=${input}`,
        `batch=1&input=${input}`,
        `connectionParams=${input}`,
        `input=${input}&lastEventId=${r.int(9)}`,
        '',
      ]);
      const target = `/trpc/${r.chance(0.2) ? randomProcedurePath(r) : procedure.path}?${query}`;
      const stream = procedure.type === 'subscription';
      // Subscriptions stay open: take the head and hang up.
      return {
        kind: 'tRPC GET',
        request: httpRequest('GET', target.slice(0, 6000), oddHeaders(r)),
        options: { timeoutMs: stream ? 300 : 3000 },
        answered: !stream,
      };
    }
    case 5: {
      const target = r.pick([
        '/',
        '/healthz',
        '/trpc/info.get',
        '/trpc/auth.logout',
        '/upload?name=a.csv',
        '/export/call-list.csv?token=x',
        '*',
        'http://[',
        'http://evil.example/healthz',
        '//trpc/info.get',
      ]);
      const method = r.pick(METHODS);
      return wait(
        'methods and request targets',
        httpRequest(
          method,
          target,
          [...apiHeader(), ['Content-Type', 'application/json']],
          method === 'GET' || method === 'HEAD' ? '' : randomBody(r),
        ),
      );
    }
    case 6: {
      const name = r.pick([
        'a.csv',
        '',
        '..',
        '../../etc/passwd.csv',
        'a'.repeat(300),
        '%00.csv',
        'x.exe',
        '.csv',
        'name with spaces.json',
        r.pick(BROKEN_ESCAPES),
      ]);
      const body = r.pick<() => string | Buffer>([
        () => multipartBody(r),
        () => r.bytes(r.int(3000)),
        () => '',
        () => randomBody(r),
        () => 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,1\n',
      ])();
      const headers: [string, string][] = [...apiHeader(), ['Content-Type', r.pick(CONTENT_TYPES)]];
      if (r.chance(0.3)) headers.push(['Cookie', randomCookie(r)]);
      return wait(
        'upload',
        httpRequest(
          r.pick(['POST', 'POST', 'PUT', 'GET']),
          `/upload${name || r.chance(0.5) ? `?name=${name}` : ''}`,
          headers,
          body,
        ),
      );
    }
    case 7: {
      // Content-Length promises more than is sent, then the client hangs up.
      const target = r.pick(['/upload?name=a.csv', '/trpc/auth.login', '/trpc/query.run']);
      const body = randomBody(r);
      const request = Buffer.concat([
        httpRequest(
          'POST',
          target,
          [
            ...Object.entries(API_REQUEST_HEADERS),
            ['Content-Type', 'application/json'],
            ['Content-Length', String(body.length + 1 + r.int(5000))],
          ],
          '',
          { contentLength: false },
        ),
        Buffer.from(body),
      ]);
      return {
        kind: 'truncated body',
        request,
        options: { afterWrite: r.pick(['half-close', 'abort'] as const), timeoutMs: 1000 },
        answered: false,
      };
    }
    case 8: {
      // A request cut off anywhere: in the request line, in the headers, in the body.
      const whole = httpRequest(
        'POST',
        `/trpc/${randomProcedurePath(r)}`,
        [...Object.entries(API_REQUEST_HEADERS), ['Content-Type', 'application/json']],
        randomBody(r),
      );
      const request = whole.subarray(0, r.int(whole.length));
      return {
        kind: 'aborted connection',
        request,
        options: { afterWrite: r.pick(['half-close', 'abort'] as const), timeoutMs: 1000 },
        answered: false,
      };
    }
    case 9: {
      const chunks = r.pick([
        '5\r\nhello\r\n0\r\n\r\n',
        'zz\r\nhello\r\n0\r\n\r\n',
        '5\r\nhel',
        'ffffffffffffffff\r\n',
        '5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n',
        '0\r\n\r\n',
      ]);
      const target = r.pick(['/upload?name=a.csv', '/trpc/auth.login', '/trpc/query.save', '/']);
      const request = httpRequest(
        'POST',
        target,
        [
          ...Object.entries(API_REQUEST_HEADERS),
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
        ],
        chunks,
        { contentLength: false },
      );
      return {
        kind: 'chunked bodies',
        request,
        options: { afterWrite: 'half-close', timeoutMs: 2000 },
        answered: false,
      };
    }
    default: {
      const line = r.pick<() => Buffer>([
        () => r.bytes(r.int(200)),
        () => Buffer.from(`GET / HTTP/${r.pick(['1.1', '9.9', '1', 'x'])}\r\n\r\n`),
        () =>
          Buffer.from(
            'GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
          ),
        () =>
          Buffer.from(
            'GET /healthz HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
          ),
        () => Buffer.from('GET /healthz HTTP/1.1\nHost: localhost\n\n'),
        () => Buffer.from('GET  /healthz  HTTP/1.1\r\n\r\n'),
        () => Buffer.from('GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n'),
        () => Buffer.from('GET /healthz HTTP/1.1\r\n: empty\r\n\r\n'),
        () => Buffer.from(`GET /${'a'.repeat(70_000)} HTTP/1.1\r\n\r\n`),
      ])();
      return {
        kind: 'malformed HTTP',
        request: line,
        options: { afterWrite: 'half-close', timeoutMs: 2000 },
        answered: true,
      };
    }
  }
}

describe('the HTTP server under malformed and random requests', () => {
  let warehouses: Warehouse[] = [];
  let demo: RunningServer;
  let signIn: RunningServer;
  let cleanup: () => void;
  const log: string[] = [];
  let startedAt = 0;

  beforeAll(async () => {
    const tmp = tempDir('retain-fuzz-');
    cleanup = tmp.cleanup;
    // One warehouse each: DuckDB takes one writer per file.
    warehouses = [
      await openTestWarehouse(tmp.dir, 'demo.duckdb'),
      await openTestWarehouse(tmp.dir, 'signin.duckdb'),
    ];
    const [demoWarehouse, signInWarehouse] = warehouses as [Warehouse, Warehouse];
    await addUser(signInWarehouse, 'ada', 'admin', 'ada has a long password');
    const webRoot = path.join(tmp.dir, 'web');
    writeFile(webRoot, 'index.html', '<!doctype html><title>Retain</title>');
    writeFile(webRoot, 'assets/app.js', 'console.log(1)');
    const capture = (line: string, error?: unknown) =>
      log.push(error === undefined ? line : `${line} ${String(error)}`);
    startedAt = Date.now();
    demo = await startServer({
      warehouse: demoWarehouse,
      port: 0,
      host: '127.0.0.1',
      authRequired: false,
      webRoot,
      log: capture,
    });
    signIn = await startServer({
      warehouse: signInWarehouse,
      port: 0,
      host: '127.0.0.1',
      authRequired: true,
      webRoot,
      log: capture,
    });
  });
  afterAll(async () => {
    await demo.close();
    await signIn.close();
    for (const warehouse of warehouses) warehouse.close();
    cleanup();
  });

  it('answers malformed percent-encoding anywhere in the address with 400, and keeps serving', async () => {
    for (const server of [demo, signIn]) {
      for (const target of [
        '/%E0%A4%A',
        '/assets/%E0%A4%A.js',
        '/%',
        '/trpc/%E0%A4%A',
        // Input is read after access is checked: on the sign-in server this is a 401.
        ...(server === demo ? ['/trpc/cohorts.matrix?input=%E0%A4%A'] : []),
      ]) {
        const res = await rawRequest(server.url, httpRequest('GET', target, []));
        expect(res.status, target).toBe(400);
      }
      for (const target of ['*', 'http://['])
        expect((await rawRequest(server.url, httpRequest('GET', target, []))).status).toBe(400);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }
    expect(log.filter((line) => line.startsWith('[http] 400'))).not.toEqual([]);
  });

  it('reads an undecodable session cookie as no session (signed out, not a crash)', async () => {
    const cookie: [string, string][] = [['Cookie', 'retain_session=%E0%A4%A']];
    expect((await rawRequest(signIn.url, httpRequest('GET', '/trpc/info.get', cookie))).status).toBe(401);
    expect((await rawRequest(demo.url, httpRequest('GET', '/trpc/info.get', cookie))).status).toBe(200);
    const upload = httpRequest(
      'POST',
      '/upload?name=a.csv',
      [...Object.entries(API_REQUEST_HEADERS), ...cookie],
      'a\n1\n',
    );
    expect((await rawRequest(signIn.url, upload)).status).toBe(401);
  });

  it('answers bad tRPC bodies and batches with 4xx', async () => {
    const post = (target: string, body: string, contentType = 'application/json') =>
      rawRequest(
        demo.url,
        httpRequest(
          'POST',
          target,
          [...Object.entries(API_REQUEST_HEADERS), ['Content-Type', contentType]],
          body,
        ),
      );
    expect((await post('/trpc/auth.login', '{"username":')).status).toBe(400);
    expect((await post('/trpc/auth.login,auth.login?batch=1', '"x"')).status).toBe(400);
    expect((await post(`/trpc/${Array(101).fill('auth.logout').join(',')}?batch=1`, '{}')).status).toBe(400);
    expect((await post('/trpc/auth.login', 'x'.repeat(3 * 1024 ** 2))).status).toBe(413);
    expect((await post('/trpc/auth.login', '{}', 'text/plain')).status).toBe(415);
  });

  it('survives thousands of random requests, answering each without a 5xx or a stack trace', async () => {
    const r = random(20_240_229);
    const probes = Array.from({ length: 3200 }, () => probe(r));
    const started = Date.now();
    const results: { probe: Probe; response: RawResponse; server: string }[] = [];
    let next = 0;
    // 16 clients at a time, alternating between the two servers.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < probes.length) {
          const index = next++;
          const p = probes[index] as Probe;
          const server = index % 2 === 0 ? demo : signIn;
          results.push({
            probe: p,
            response: await rawRequest(server.url, p.request, p.options),
            server: server.url,
          });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;

    const failures = results.filter(({ probe, response }) => {
      const status = response.status;
      return (
        (status !== null && status >= 500) ||
        (probe.answered && status === null) ||
        INTERNALS.some((pattern) => pattern.test(response.body))
      );
    });
    expect(
      failures.slice(0, 30).map(({ probe, response }) => ({
        kind: probe.kind,
        request: probe.request.toString('latin1').slice(0, 300),
        status: response.status,
        body: response.body.slice(0, 300),
      })),
    ).toEqual([]);

    // Still the same servers, up and answering correctly.
    for (const server of [demo, signIn]) {
      expect(server.server.listening).toBe(true);
      const health = await fetch(`${server.url}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, 'ok']);
    }
    const info = (await (await fetch(`${demo.url}/trpc/info.get`)).json()) as {
      result: { data: { dataVersion: number } };
    };
    expect(info.result.data.dataVersion).toBeTypeOf('number');
    const login = await fetch(`${signIn.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...API_REQUEST_HEADERS },
      body: JSON.stringify({ username: 'ada', password: 'ada has a long password' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect((await fetch(`${signIn.url}/trpc/info.get`, { headers: { cookie } })).status).toBe(200);
    // Nothing escaped a handler, and no request was the server's fault.
    expect(log.filter((line) => line.startsWith('[server]') || / 500 |\(ref /.test(line))).toEqual([]);

    const statuses = new Map<string, number>();
    for (const { response } of results) {
      const key = String(response.status ?? 'none');
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    console.log(
      `${results.length} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `both servers up ${((Date.now() - startedAt) / 1000).toFixed(1)} s and still answering`,
    );
  });
});
