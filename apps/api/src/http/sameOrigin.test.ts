import fs from 'node:fs';
import type http from 'node:http';
import { addUser, listUsers } from '@retain/access';
import { API_REQUEST_HEADERS } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../root.ts';
import { type RunningServer, startServer } from '../server.ts';
import { ownPageHeaders } from '../testing/http.ts';
import { crossSiteRefusal } from './sameOrigin.ts';

const request = (headers: http.IncomingHttpHeaders) => ({ headers, socket: {} }) as http.IncomingMessage;
const OWN: Record<string, string> = {
  host: 'localhost:3000',
  'content-type': 'application/json',
  ...API_REQUEST_HEADERS,
};

describe('crossSiteRefusal', () => {
  it('lets through a JSON call with the header from the same origin, or from a program', () => {
    expect(crossSiteRefusal(request(OWN), { json: true })).toBeNull();
    const fromPage = { ...OWN, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' };
    expect(crossSiteRefusal(request(fromPage), { json: true })).toBeNull();
    expect(crossSiteRefusal(request({ ...OWN, 'sec-fetch-site': 'none' }), { json: true })).toBeNull();
    const charset = { ...OWN, 'content-type': 'Application/JSON; charset=utf-8' };
    expect(crossSiteRefusal(request(charset), { json: true })).toBeNull();
    // Behind https on the default port, and behind a proxy that says which host the browser used.
    const https = { ...OWN, host: 'retain.example.com:443', origin: 'https://retain.example.com' };
    expect(crossSiteRefusal(request(https), { json: true })).toBeNull();
    const proxied = {
      ...OWN,
      host: '127.0.0.1:3000',
      'x-forwarded-host': 'retain.example.com',
      origin: 'https://retain.example.com',
    };
    expect(crossSiteRefusal(request(proxied), { json: true })).toBeNull();
  });

  it.each([
    ['another port of the same host', { origin: 'http://localhost:5174' }],
    ['another host', { origin: 'http://evil.example' }],
    [
      'an http page to a server behind https',
      { origin: 'http://localhost:3000', 'x-forwarded-proto': 'https' },
    ],
    ['a page that is not on the web', { origin: 'file://localhost:3000' }],
    ['an opaque origin', { origin: 'null' }],
    ['an unreadable origin', { origin: 'http://[' }],
    ['two origins', { origin: 'http://localhost:3000, http://evil.example' }],
    ['a page on the same site', { 'sec-fetch-site': 'same-site' }],
    ['a page on another site', { 'sec-fetch-site': 'cross-site' }],
    ['an unknown Sec-Fetch-Site', { 'sec-fetch-site': 'same-origin, cross-site' }],
  ])('refuses a request from %s', (_what, headers) => {
    expect(crossSiteRefusal(request({ ...OWN, ...headers }), { json: true })?.status).toBe(403);
  });

  it('refuses a request without the header, and an API call that is not JSON', () => {
    const { 'x-retain-request': _, ...withoutHeader } = OWN;
    expect(crossSiteRefusal(request(withoutHeader), { json: true })?.status).toBe(403);
    expect(crossSiteRefusal(request({ ...OWN, 'x-retain-request': '0' }), { json: true })?.status).toBe(403);
    for (const type of [
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'text/plain',
    ]) {
      expect(crossSiteRefusal(request({ ...OWN, 'content-type': type }), { json: true })?.status).toBe(415);
      // An upload's body is the file, whatever its type.
      expect(crossSiteRefusal(request({ ...OWN, 'content-type': type }), { json: false })).toBeNull();
    }
  });
});

/** The bodies an HTML form on another page can send, with the content type it sends them with. */
const FORMS = [
  {
    enctype: 'multipart/form-data; boundary=----form',
    body: '------form\r\nContent-Disposition: form-data; name="seed"\r\n\r\n7\r\n------form--\r\n',
  },
  { enctype: 'application/x-www-form-urlencoded', body: 'seed=7&username=mallory&role=admin' },
  // The classic way to smuggle JSON in a form: one field whose name and value join into JSON.
  {
    enctype: 'text/plain',
    body: '{"username":"mallory","role":"admin","password":"pass word long","x":"="}',
  },
];

/** What a browser adds to a form submitted from a page on another port of the same host. */
const otherPort = (url: string) => {
  const port = Number(new URL(url).port);
  return { origin: `http://localhost:${port === 5174 ? 5175 : 5174}`, 'sec-fetch-site': 'same-site' };
};

const MUTATIONS = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
)
  .filter(([, p]) => p._def.type === 'mutation')
  .map(([path]) => path);

describe('cross-site request forgery, over HTTP', () => {
  let cleanup: () => void;
  const warehouses: Warehouse[] = [];
  let signIn: RunningServer;
  let demo: RunningServer;
  let adminCookie: string;

  beforeAll(async () => {
    const tmp = tempDir('retain-csrf-');
    cleanup = tmp.cleanup;
    warehouses.push(
      await openTestWarehouse(tmp.dir, 'signin.duckdb'),
      await openTestWarehouse(tmp.dir, 'demo.duckdb'),
    );
    const [signInWarehouse, demoWarehouse] = warehouses as [Warehouse, Warehouse];
    await addUser(signInWarehouse, 'ada', 'admin', 'ada has a long password');
    signIn = await startServer({
      warehouse: signInWarehouse,
      port: 0,
      host: '127.0.0.1',
      authRequired: true,
    });
    demo = await startServer({ warehouse: demoWarehouse, port: 0, host: '127.0.0.1', authRequired: false });
    const login = await fetch(`${signIn.url}/trpc/auth.login`, {
      method: 'POST',
      headers: ownPageHeaders(signIn.url),
      body: JSON.stringify({ username: 'ada', password: 'ada has a long password' }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    adminCookie = setCookie.split(';')[0] ?? '';
  });
  afterAll(async () => {
    await signIn.close();
    await demo.close();
    for (const warehouse of warehouses) warehouse.close();
    cleanup();
  });

  const signedIn = async () => {
    const res = await fetch(`${signIn.url}/trpc/auth.me`, { headers: { cookie: adminCookie } });
    return ((await res.json()) as { result: { data: { viewer: { username: string } | null } } }).result.data
      .viewer?.username;
  };
  const noTrainingStarted = (server: RunningServer) =>
    server.services.training.current === null && server.services.training.latest === null;

  it('refuses form posts from another port carrying an admin cookie: nothing trains, nobody is signed out', async () => {
    for (const { enctype, body } of FORMS) {
      for (const path of ['model.train', 'auth.logout', 'users.add']) {
        for (const browser of [otherPort(signIn.url), {}]) {
          const res = await fetch(`${signIn.url}/trpc/${path}`, {
            method: 'POST',
            headers: { 'content-type': enctype, cookie: adminCookie, ...browser },
            body,
          });
          expect([403, 415], `${path} as ${enctype}`).toContain(res.status);
          expect(await res.text()).not.toContain('"result"');
        }
      }
    }
    expect(noTrainingStarted(signIn)).toBe(true);
    expect(await signedIn()).toBe('ada');
    expect((await listUsers(warehouses[0] as Warehouse)).map((u) => u.username)).toEqual(['ada']);
  });

  it('refuses JSON calls that lack the header, or come from another origin or site', async () => {
    const own = ownPageHeaders(signIn.url, adminCookie);
    const { 'x-retain-request': _, ...withoutHeader } = own;
    for (const headers of [
      withoutHeader,
      { ...own, ...otherPort(signIn.url) },
      { ...own, origin: `http://localhost:${Number(new URL(signIn.url).port) + 1}` },
      { ...own, 'sec-fetch-site': 'cross-site' },
      { ...own, origin: 'null' },
    ]) {
      const res = await fetch(`${signIn.url}/trpc/auth.logout`, { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(403);
      // A batch is refused as a whole, each call with the reason.
      const batch = await fetch(`${signIn.url}/trpc/auth.logout,model.train?batch=1`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(batch.status).toBe(403);
      const calls = (await batch.json()) as { error: { data: { code: string } } }[];
      expect(calls.map((c) => c.error.data.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    }
    expect(noTrainingStarted(signIn)).toBe(true);
    expect(await signedIn()).toBe('ada');
  });

  it('refuses cross-origin uploads, and stores nothing', async () => {
    const upload = (headers: Record<string, string>) =>
      fetch(`${signIn.url}/upload?name=orders.csv`, {
        method: 'POST',
        headers: { cookie: adminCookie, ...headers },
        body: 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,1\n',
      });
    const foreign: Record<string, string>[] = [
      { 'content-type': 'multipart/form-data; boundary=x', ...otherPort(signIn.url) },
      { 'content-type': 'text/plain' },
      { ...API_REQUEST_HEADERS, ...otherPort(signIn.url) },
    ];
    for (const headers of foreign) expect((await upload(headers)).status).toBe(403);
    const stored = () =>
      fs.existsSync(signIn.services.uploads.root) ? fs.readdirSync(signIn.services.uploads.root) : [];
    expect(stored()).toEqual([]);
    const own = await upload({
      ...API_REQUEST_HEADERS,
      origin: new URL(signIn.url).origin,
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).toBe(201);
    expect(stored()).toHaveLength(1);
  });

  it('never runs a mutation on GET', async () => {
    expect(MUTATIONS.length).toBeGreaterThan(5);
    for (const path of MUTATIONS) {
      const res = await fetch(`${signIn.url}/trpc/${path}?input=${encodeURIComponent('{"seed":7}')}`, {
        headers: { cookie: adminCookie },
      });
      expect(res.status, path).toBe(405);
    }
    expect(noTrainingStarted(signIn)).toBe(true);
    expect(await signedIn()).toBe('ada');
  });

  it('lets the dashboard change data: same origin, JSON, the header', async () => {
    const headers = ownPageHeaders(signIn.url, adminCookie);
    const add = await fetch(`${signIn.url}/trpc/users.add`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ username: 'bob', role: 'analyst', password: 'bob has a long password' }),
    });
    expect(add.status).toBe(200);
    expect((await listUsers(warehouses[0] as Warehouse)).map((u) => u.username).sort()).toEqual([
      'ada',
      'bob',
    ]);
    const logout = await fetch(`${signIn.url}/trpc/auth.logout`, { method: 'POST', headers, body: '{}' });
    expect(logout.status).toBe(200);
    expect(await signedIn()).toBeUndefined();
  });

  it('in demo mode, where every request is an admin, refuses the same forms and lets the dashboard through', async () => {
    for (const { enctype, body } of FORMS) {
      for (const path of ['model.train', 'users.add']) {
        const res = await fetch(`${demo.url}/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': enctype, ...otherPort(demo.url) },
          body,
        });
        expect([403, 415]).toContain(res.status);
      }
    }
    const upload = await fetch(`${demo.url}/upload?name=a.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...otherPort(demo.url) },
      body: 'a\n1\n',
    });
    expect(upload.status).toBe(403);
    expect(noTrainingStarted(demo)).toBe(true);
    const demoWarehouse = warehouses[1] as Warehouse;
    expect(await listUsers(demoWarehouse)).toEqual([]);

    const add = await fetch(`${demo.url}/trpc/users.add`, {
      method: 'POST',
      headers: ownPageHeaders(demo.url),
      body: JSON.stringify({ username: 'dora', role: 'analyst', password: 'dora has a long password' }),
    });
    expect(add.status).toBe(200);
    expect((await listUsers(demoWarehouse)).map((u) => u.username)).toEqual(['dora']);
  });
});
