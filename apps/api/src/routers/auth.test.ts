import { addUser, listAudit } from '@retain/access';
import { API_REQUEST_HEADERS } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';

/** Sign-in over real HTTP: cookies, rate limiting, roles on the wire. */
describe('auth over HTTP', () => {
  let warehouse: Warehouse;
  let server: RunningServer;
  let cleanup: () => void;

  beforeAll(async () => {
    const tmp = tempDir('retain-auth-');
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
    await addUser(warehouse, 'ada', 'admin', 'ada has a long password');
    await addUser(warehouse, 'eve', 'executive', 'eve has a long password');
    server = await startServer({ warehouse, port: 0, host: '127.0.0.1', authRequired: true });
  });
  afterAll(async () => {
    await server.close();
    warehouse.close();
    cleanup();
  });

  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...API_REQUEST_HEADERS, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const get = (path: string, cookie = '') =>
    fetch(`${server.url}/trpc/${path}`, { headers: cookie ? { cookie } : {} });
  async function login(username: string, password: string) {
    const res = await post('auth.login', { username, password });
    const setCookie = res.headers.get('set-cookie') ?? '';
    return { status: res.status, setCookie, cookie: setCookie.split(';')[0] ?? '' };
  }

  it('refuses anonymous calls', async () => {
    expect((await get('info.get')).status).toBe(401);
    const me = (await (await get('auth.me')).json()) as {
      result: { data: { viewer: unknown; authRequired: boolean } };
    };
    expect(me.result.data).toEqual({ viewer: null, authRequired: true });
  });

  it('signs in with an httpOnly, SameSite=Strict session cookie', async () => {
    const { status, setCookie, cookie } = await login('ada', 'ada has a long password');
    expect(status).toBe(200);
    expect(setCookie).toMatch(/^retain_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect((await get('info.get', cookie)).status).toBe(200);
    const logout = await post('auth.logout', {}, cookie);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await get('info.get', cookie)).status).toBe(401);
  });

  it('enforces roles on the wire', async () => {
    const { cookie } = await login('eve', 'eve has a long password');
    expect((await get('info.get', cookie)).status).toBe(200);
    expect((await post('query.run', { sql: 'SELECT 1' }, cookie)).status).toBe(403);
    const upload = await fetch(`${server.url}/upload?name=x.csv`, {
      method: 'POST',
      body: 'a\n1\n',
      headers: { ...API_REQUEST_HEADERS, cookie },
    });
    expect(upload.status).toBe(403);
  });

  it('rate-limits password guessing and audits every attempt', async () => {
    for (let i = 0; i < 5; i++) expect((await login('ada', `wrong password ${i}`)).status).toBe(401);
    expect((await login('ada', 'ada has a long password')).status).toBe(429);
    const failures = await listAudit(warehouse, { action: 'login-failed' });
    expect(failures.length).toBeGreaterThanOrEqual(5);
    expect(failures[0]?.detail).toMatchObject({ username: 'ada' });
  });

  it('sends security headers', async () => {
    const res = await get('auth.me');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
