import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_REQUEST_HEADERS } from '@retain/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RetainServer, startRetain } from './support/retainServer.ts';

/**
 * Crashes in the middle of work: the server is killed with SIGKILL while a model trains and while
 * a call list downloads, then started again on the same database. It must come back serving the
 * previous model, consistent data, and complete downloads.
 */
type Json = Record<string, unknown>;

async function trpc(
  url: string,
  pathName: string,
  input?: unknown,
  method: 'GET' | 'POST' = 'GET',
): Promise<Json> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res =
    method === 'GET'
      ? await fetch(`${url}/trpc/${pathName}${query}`)
      : await fetch(`${url}/trpc/${pathName}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...API_REQUEST_HEADERS },
          body: JSON.stringify(input ?? {}),
        });
  const body = (await res.json()) as { result?: { data: Json }; error?: unknown };
  if (!body.result) throw new Error(`${pathName}: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 240_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('SIGKILL in the middle of training and of an export', () => {
  let dir: string;
  let db: string;
  let server: RetainServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-faults-'));
    db = path.join(dir, 'retain.duckdb');
    server = await startRetain({ db, customers: 3000 });
    // The first start trains a model in the background; wait until it is ready.
    await until(
      'the first model',
      async () => ((await trpc(server.url, 'model.list')) as unknown as unknown[]).length > 0,
    );
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the previous model in use when killed during training, and serves after a restart', async () => {
    const before = (await trpc(server.url, 'model.list')) as unknown as Array<{ modelId: string }>;
    const scoresBefore = await trpc(server.url, 'scores.list', { pageSize: 5 });
    const info = await trpc(server.url, 'info.get');
    await trpc(server.url, 'model.train', { seed: 7 }, 'POST');
    // Kill once fitting is under way (features are done, weights are being written in memory).
    await until('training to be fitting', async () => {
      const status = await trpc(server.url, 'model.status');
      const latest = status.latest as { phase?: string } | null;
      return status.running !== null && latest?.phase !== undefined && latest.phase !== 'features';
    });
    await server.kill();

    server = await startRetain({ db, customers: 3000 });
    const after = (await trpc(server.url, 'model.list')) as unknown as Array<{ modelId: string }>;
    expect(after.map((m) => m.modelId)).toEqual(before.map((m) => m.modelId));
    expect(await trpc(server.url, 'scores.list', { pageSize: 5 })).toEqual(scoresBefore);
    expect(await trpc(server.url, 'info.get')).toEqual(info);
    const kpis = await trpc(server.url, 'overview.kpis', {});
    expect(kpis).toHaveProperty('kpis');
  });

  it('never presents a cut-off download as complete, and exports in full after a restart', async () => {
    const { url: download } = (await trpc(server.url, 'atRisk.export', {}, 'POST')) as unknown as {
      url: string;
    };
    const res = await fetch(`${server.url}${download}`);
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    await reader.read();
    await server.kill();
    // The response is chunked: without its final chunk the client sees an error, not a short file.
    const rest = (async () => {
      for (;;) if ((await reader.read()).done) return 'complete';
    })();
    await expect(rest).rejects.toThrow();

    server = await startRetain({ db, customers: 3000 });
    const list = await trpc(server.url, 'atRisk.list', { limit: 1 });
    // Nobody held back, so that the file is the whole list (control groups are program.e2e's).
    const again = (await trpc(server.url, 'atRisk.export', { controlShare: 0 }, 'POST')) as unknown as {
      url: string;
    };
    const csv = await (await fetch(`${server.url}${again.url}`)).text();
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^rank,customer_id,name,phone,email,churn_probability,value_at_risk/);
    expect(lines.length - 1).toBe((list.summary as { listed: number }).listed);
  });
});
