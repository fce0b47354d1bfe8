import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listAudit } from '@retain/access';
import { generateScoredCustomers, openCallListFixture } from '@retain/outreach/testing';
import { CALL_LIST_COLUMNS } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiServices, createServices } from '../context.ts';
import { handleCallListDownload } from '../exports.ts';
import { callerFor } from '../testing/callerFor.ts';

describe('atRisk router and the call-list download', () => {
  let warehouse: Warehouse;
  let close: () => void;
  let services: ApiServices;
  let caller: ReturnType<typeof callerFor>;
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    ({ warehouse, close } = await openCallListFixture());
    services = createServices(warehouse);
    caller = callerFor(warehouse, 'retention', services);
    server = http.createServer((req, res) => void handleCallListDownload(services, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    close();
  });

  it('lists a page with totals and exclusion counts', async () => {
    const page = await caller.atRisk.list({ limit: 2 });
    expect(page.rows.map((r) => [r.rank, r.customerId])).toEqual([
      [1, 'C01'],
      [2, 'C02'],
    ]);
    expect(page.summary).toMatchObject({
      listed: 7,
      eligible: 7,
      excludedNoConsent: 2,
      excludedDoNotCall: 1,
    });
    const filtered = await caller.atRisk.list({ region: 'East', excludeContactedDays: 3650 });
    expect(filtered.rows.map((r) => r.customerId)).toEqual(['C10']);
    expect(filtered.summary).toMatchObject({ excludedDoNotCall: 1, excludedRecentlyContacted: 1 });
  });

  it('refuses bad filters as BAD_REQUEST', async () => {
    for (const input of [
      { top: 1, capacity: 1 },
      { minProbability: 2 },
      { limit: 10_000 },
      { minProbability: 0.8, maxProbability: 0.2 },
      { segment: [] },
      { minValue: -1 },
    ]) {
      const error = await caller.atRisk.list(input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
    }
  });

  it('filters by open complaints, several segments or regions and value, in the list and the export', async () => {
    const open = await caller.atRisk.list({ hasOpenComplaint: true, segment: ['At risk', 'Lost'] });
    expect(open.rows.map((r) => r.customerId)).toEqual(['C01']);
    const several = await caller.atRisk.list({ region: ['South', 'East'], minValue: 100 });
    expect(several.rows.map((r) => r.customerId)).toEqual(['C03', 'C07', 'C09']);

    // Nobody held back: a control group is drawn by the saved list's random id, and two customers
    // would otherwise lose one of them to it some of the time.
    const { url } = await caller.atRisk.export({
      hasOpenComplaint: false,
      region: ['North'],
      controlShare: 0,
    });
    const lines = (await (await fetch(`${origin}${url}`)).text()).trim().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['C02', 'C08']);
    await vi.waitFor(async () => {
      const [entry] = await listAudit(warehouse, { action: 'export', limit: 1 });
      expect(entry?.detail).toMatchObject({
        filters: { hasOpenComplaint: false, region: ['North'] },
        rows: 2,
      });
    });
  });

  it('records outcomes and reads them back; unknown customers are BAD_REQUEST', async () => {
    const stored = await caller.atRisk.recordOutcome({
      customerId: 'C03',
      outcome: 'declined',
      note: 'moved away',
    });
    expect(stored).toMatchObject({
      customerId: 'C03',
      outcome: 'declined',
      note: 'moved away',
      recordedBy: 'test-retention',
    });
    expect(await caller.atRisk.outcomes({ customerId: 'C03' })).toEqual([stored]);
    const unknown = await caller.atRisk
      .recordOutcome({ customerId: 'NOPE', outcome: 'reached' })
      .catch((e) => e);
    expect((unknown as TRPCError).code).toBe('BAD_REQUEST');
    const bad = await caller.atRisk
      .recordOutcome({ customerId: 'C03', outcome: 'maybe' as 'reached' })
      .catch((e: unknown) => e);
    expect((bad as TRPCError).code).toBe('BAD_REQUEST');
  });

  it('writes each recorded outcome to the audit log: who, for whom, which outcome; refusals are not', async () => {
    const before = await listAudit(warehouse, { action: 'call-outcome' });
    const stored = await caller.atRisk.recordOutcome({
      customerId: 'C09',
      outcome: 'no_answer',
      note: 'voicemail',
    });
    await caller.atRisk.recordOutcome({ customerId: 'NOPE', outcome: 'reached' }).catch(() => undefined);
    const entries = await listAudit(warehouse, { action: 'call-outcome' });
    expect(entries).toHaveLength(before.length + 1);
    expect(entries[0]).toMatchObject({
      username: 'test-retention',
      action: 'call-outcome',
      detail: { via: 'api', customerId: 'C09', outcome: 'no_answer', contactedAt: stored.contactedAt },
    });
    expect(entries[0]?.detail).not.toHaveProperty('note');
  });

  it('exports through a one-time URL that streams the CSV and audits the download', async () => {
    // Nobody held back, so that the three are the list's first three (a control group is drawn by the
    // list's own id: see program.test.ts).
    const { url, expiresAt, list } = await caller.atRisk.export({ top: 3, bom: true, controlShare: 0 });
    expect(url).toMatch(/^\/export\/call-list\.csv\?token=[\w-]{43}$/);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const response = await fetch(`${origin}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="call-list-L-\d{8}-[0-9a-z]{6}\.csv"$/,
    );
    expect(response.headers.get('content-disposition')).toContain(list.listId);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(CALL_LIST_COLUMNS.join(','));
    expect(lines.slice(1, 4).map((l) => l.split(',')[1])).toEqual(['C01', 'C02', 'C03']);
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);

    // Audited once the response has ended, so possibly a moment after the client has it all.
    await vi.waitFor(async () => {
      const [entry] = await listAudit(warehouse, { action: 'export', limit: 1 });
      expect(entry).toMatchObject({
        username: 'test-retention',
        detail: { via: 'api', filters: { top: 3 }, rows: 3, complete: true, listId: list.listId },
      });
    });
    expect((await fetch(`${origin}${url}`)).status).toBe(410); // used once already
    expect((await fetch(`${origin}/export/call-list.csv?token=forged`)).status).toBe(410);
  });
});

describe('the cached call list', () => {
  it('drops a customer marked "do not call" at once, though the page was cached', async () => {
    const { warehouse, close } = await openCallListFixture();
    try {
      const caller = callerFor(warehouse, 'retention', createServices(warehouse));
      const before = await caller.atRisk.list({ limit: 50 });
      expect(await caller.atRisk.list({ limit: 50 })).toEqual(before); // served from the cache
      const first = before.rows[0]?.customerId ?? '';
      await caller.atRisk.recordOutcome({ customerId: first, outcome: 'do_not_call' });
      const after = await caller.atRisk.list({ limit: 50 });
      expect(after.rows.map((r) => r.customerId)).not.toContain(first);
      expect(after.summary.listed).toBe(before.summary.listed - 1);
      expect(after.summary.excludedDoNotCall).toBe(before.summary.excludedDoNotCall + 1);
    } finally {
      close();
    }
  });
});

describe('a call-list download the client stops reading', () => {
  it('stops at what the socket holds, and audits the rows sent as incomplete', async () => {
    const { dir, cleanup } = tempDir('retain-api-download-');
    const warehouse = await openTestWarehouse(dir);
    const server = http.createServer();
    try {
      await generateScoredCustomers(warehouse, 50_000); // 45,000 callable, about 7 MB of CSV
      const services = createServices(warehouse);
      server.on('request', (req, res) => void handleCallListDownload(services, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { url } = await callerFor(warehouse, 'retention', services).atRisk.export({});
      const stop = new AbortController();
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${url}`, {
        signal: stop.signal,
      });
      const reader = response.body?.getReader();
      expect((await reader?.read())?.done).toBe(false);
      stop.abort();
      await vi.waitFor(async () => {
        const [entry] = await listAudit(warehouse, { action: 'export', limit: 1 });
        expect(entry?.detail).toMatchObject({ via: 'api', complete: false });
        expect(entry?.detail.rows).toBeLessThan(45_000);
        // The entry follows the end of the ranking the download was waiting for.
      }, 20_000);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      warehouse.close();
      cleanup();
    }
  });
});
