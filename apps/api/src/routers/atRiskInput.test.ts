import { openCallListFixture } from '@retain/outreach/testing';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';
import { callerFor } from '../testing/callerFor.ts';
import { ownPageHeaders } from '../testing/http.ts';

interface ErrorBody {
  error?: {
    message: string;
    data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> };
  };
  result?: { data: unknown };
}

/**
 * The call list's input over real HTTP, as the dashboard sends it: a number of calls or a
 * probability range that cannot be meant is refused as BAD_REQUEST with the message of the field
 * at fault, never answered with another list than the one asked for.
 */
describe('atRisk.list input over HTTP', () => {
  let warehouse: Warehouse;
  let close: () => void;
  let server: RunningServer;
  beforeAll(async () => {
    ({ warehouse, close } = await openCallListFixture());
    server = await startServer({ warehouse, port: 0, host: '127.0.0.1', authRequired: false, log: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    close();
  });

  const list = async (input: unknown) => {
    const response = await fetch(
      `${server.url}/trpc/atRisk.list?input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: ownPageHeaders(server.url) },
    );
    return { status: response.status, body: (await response.json()) as ErrorBody };
  };

  it('refuses a capacity of 0, −5 or 2.5 with the field’s error', async () => {
    for (const [capacity, message] of [
      [0, 'must be at least 1: the number of calls (got 0)'],
      [-5, 'must be at least 1: the number of calls (got -5)'],
      [2.5, 'must be a whole number of calls (got 2.5)'],
    ] as const) {
      const { status, body } = await list({ capacity });
      expect(status, String(capacity)).toBe(400);
      expect(body.error?.data.code).toBe('BAD_REQUEST');
      expect(body.error?.data.fieldErrors).toEqual({ capacity: [message] });
    }
  });

  it('refuses a probability range no customer can fall in, naming the upper bound', async () => {
    const { status, body } = await list({ minProbability: 0.9, maxProbability: 0.5 });
    expect(status).toBe(400);
    expect(body.error?.data.fieldErrors).toEqual({
      maxProbability: [
        'must not be below the lowest probability asked for (0.9): no churn probability is at least 0.9 and at most 0.5',
      ],
    });
    // An equal pair is a range of one value, and fine.
    expect((await list({ minProbability: 0.8, maxProbability: 0.8 })).status).toBe(200);
  });

  it('refuses an unknown phone country, and lists reachable customers with their E.164 numbers', async () => {
    const unknown = await list({ phoneCountry: 'XX' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/No dialling rules for the country "XX"/);
    const reachable = await list({ hasPhone: true, capacity: 2 });
    expect(reachable.status).toBe(200);
    const data = reachable.body.result?.data as {
      summary: { listed: number; eligible: number; excludedNoPhone: number };
      rows: { customerId: string; phoneE164: string | null }[];
    };
    expect(data.summary).toMatchObject({ listed: 2, eligible: 4, excludedNoPhone: 3 });
    expect(data.rows.map((r) => [r.customerId, r.phoneE164])).toEqual([
      ['C01', '+442079460001'],
      ['C07', '+447700900007'],
    ]);
  });
});

describe('atRisk before any scores', () => {
  it('says so as PRECONDITION_FAILED in the dashboard’s words, never with a command to run', async () => {
    const { dir, cleanup } = tempDir('retain-api-no-scores-');
    const warehouse = await openTestWarehouse(dir);
    try {
      const caller = callerFor(warehouse, 'retention');
      for (const call of [() => caller.atRisk.list({}), () => caller.atRisk.export({})]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TRPCError);
        expect((error as TRPCError).code).toBe('PRECONDITION_FAILED');
        expect((error as TRPCError).message).toBe(
          'No churn scores yet: the list appears once a churn model has been trained on this data.',
        );
        expect((error as TRPCError).message).not.toMatch(/retain |`/);
      }
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});
