import { listAudit } from '@retain/access';
import { openCallListFixture } from '@retain/outreach/testing';
import type { Warehouse } from '@retain/warehouse';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServices, createServices } from '../context.ts';
import { callerFor } from '../testing/callerFor.ts';

describe('program router and saved lists', () => {
  let warehouse: Warehouse;
  let close: () => void;
  let services: ApiServices;
  beforeAll(async () => {
    ({ warehouse, close } = await openCallListFixture());
    services = createServices(warehouse);
  });
  afterAll(() => close());

  const codeOf = async (call: Promise<unknown>) => {
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    return (error as TRPCError).code;
  };

  it('saves an exported list with its control group and reports it pending until its horizon has passed', async () => {
    const caller = callerFor(warehouse, 'retention', services);
    expect(await caller.program.lists()).toEqual({ lists: [] });
    const exported = await caller.atRisk.export({ top: 3, controlShare: 0.5, horizonDays: 30 });
    expect(exported.url).toContain(`token=`);
    // The control group comes on top of the calls asked for: three are treated unless the
    // fixture's few eligible customers run out first (the list id seeds who is held back).
    const { treated, control } = exported.list;
    expect(treated).toBeGreaterThan(0);
    expect(treated).toBeLessThanOrEqual(3);
    if (treated < 3) expect(control).toBeGreaterThan(0);
    expect(exported.list).toMatchObject({
      controlShare: 0.5,
      horizonDays: 30,
      date: '2024-06-29',
    });
    const { lists } = await caller.program.lists();
    expect(lists.map((l) => l.listId)).toEqual([exported.list.listId]);
    const report = await caller.program.report({ listId: exported.list.listId });
    // Orders reach 2024-06-01 in the fixture: a list of 2024-06-29 is measurable from 2024-07-29.
    // A draw that held nobody back (possible with so few customers) can never be measured.
    expect(report.lists[0]).toMatchObject({
      status: control > 0 ? 'pending' : 'no-control',
      effect: null,
      measurableFrom: '2024-07-29',
    });
    expect(report.pooled).toBeNull();
    const [entry] = await listAudit(warehouse, { action: 'save-list', limit: 1 });
    expect(entry).toMatchObject({
      username: 'test-retention',
      detail: { via: 'api', listId: exported.list.listId },
    });
    // Before any list has matured, the prior ranks the list.
    expect(await caller.program.uplift()).toMatchObject({
      source: 'prior',
      prior: 0.1,
      maturedLists: 0,
      evaluation: null,
    });
  });

  it('refuses a share above one half, an unknown list id and a malformed one', async () => {
    const caller = callerFor(warehouse, 'retention', services);
    expect(await codeOf(caller.atRisk.export({ controlShare: 0.6 }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller.program.report({ listId: 'L-20990101-zzzzzz' }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller.program.report({ listId: 'nope' }))).toBe('BAD_REQUEST');
  });

  it('shows everyone the measured effect, and only callers the lists to call', async () => {
    const executive = callerFor(warehouse, 'executive', services);
    expect((await executive.program.report({})).lists.length).toBeGreaterThan(0);
    expect(await codeOf(executive.atRisk.export({ top: 1 }))).toBe('FORBIDDEN');
  });
});
