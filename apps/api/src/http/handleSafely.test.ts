import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from './badRequest.ts';
import { handleSafely, type RequestHandler } from './handleSafely.ts';

/** Handlers that fail in every way a handler can, behind handleSafely on a real socket. */
const HANDLERS: Record<string, RequestHandler> = {
  '/throws': () => {
    throw new Error('SELECT secret FROM internal');
  },
  '/rejects': async () => {
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error('IO Error: /srv/retain/data');
  },
  '/undecodable': () => {
    decodeURIComponent('%E0%A4%A');
  },
  '/bad-request': async () => {
    throw new BadRequestError('The request address is not a valid URL.');
  },
  '/throws-a-string': () => {
    throw 'not an Error';
  },
  '/fails-mid-body': async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.write('a,b\n');
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error('the export broke');
  },
  '/ok': (_req, res) => {
    res.end('ok');
  },
};

describe('handleSafely', () => {
  const log: { line: string; error: unknown }[] = [];
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    const route: RequestHandler = (req, res) => HANDLERS[req.url ?? '']?.(req, res);
    server = http.createServer(handleSafely(route, (line, error) => log.push({ line, error })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(['/throws', '/rejects', '/throws-a-string'])(
    'answers %s with 500 and a reference to the logged error',
    async (path) => {
      const res = await fetch(`${origin}${path}`);
      const body = await res.text();
      expect(res.status).toBe(500);
      const reference =
        /^Something went wrong on the server; it has been logged \(ref ([0-9a-f]{8})\)\.$/.exec(body)?.[1];
      expect(reference).toBeDefined();
      const logged = log.find(({ line }) => line.includes(`ref ${reference}`));
      expect(logged?.line).toContain(path);
      expect(logged?.error).toBeDefined();
    },
  );

  it.each(['/undecodable', '/bad-request'])('answers %s with 400 and the reason', async (path) => {
    const res = await fetch(`${origin}${path}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Bad request: /);
    expect(log.some(({ line }) => line.startsWith('[http] 400') && line.includes(path))).toBe(true);
  });

  it('cuts the connection when the failure comes after the status line, so no truncated file passes', async () => {
    await expect(fetch(`${origin}/fails-mid-body`).then((res) => res.text())).rejects.toThrow();
    expect(log.some(({ line }) => line.includes('/fails-mid-body'))).toBe(true);
  });

  it('keeps serving', async () => {
    expect(await (await fetch(`${origin}/ok`)).text()).toBe('ok');
  });
});
