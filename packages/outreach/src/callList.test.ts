import path from 'node:path';
import type { CallListFilters } from '@retain/schemas';
import { duckdbDialect, type Sql, sql, Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callListPage } from './callList.ts';
import { callListSql } from './callListSql.ts';
import { recordOutcome } from './contactOutcomes.ts';
import { NoScoresError } from './errors.ts';
import { FIXTURE_NOW, fixtureScoresSql, openCallListFixture, replaceLatestScores } from './testing/index.ts';

describe('callListPage on the hand fixture', () => {
  let warehouse: Warehouse;
  let close: () => void;
  beforeAll(async () => {
    ({ warehouse, close } = await openCallListFixture());
  });
  afterAll(() => close());

  const list = (filters: CallListFilters = {}, window = { offset: 0, limit: 50 }) =>
    callListPage(warehouse, filters, window, { now: FIXTURE_NOW });
  const ids = async (filters: CallListFilters = {}) => (await list(filters)).rows.map((r) => r.customerId);

  it('ranks by value at risk, then probability, then id, and leaves out who may not be called', async () => {
    const page = await list();
    expect(page.rows.map((r) => [r.rank, r.customerId])).toEqual([
      [1, 'C01'],
      [2, 'C02'],
      [3, 'C03'],
      [4, 'C07'],
      [5, 'C08'],
      [6, 'C09'],
      [7, 'C10'],
    ]);
    expect(page.summary).toEqual({
      cut: 'all',
      listed: 7,
      eligible: 7,
      excludedNoConsent: 2, // C04 said no; C05 has no customers row, so no recorded consent
      excludedDoNotCall: 1, // C06; C07's do-not-call was followed by a later outcome
      excludedRecentlyContacted: 0,
      excludedNoPhone: 0,
      listedWithoutPhone: 3, // C02, C03 and C10 have no number a dialler can call
      phoneCountry: 'GB', // two customers' numbers are +44, one +1
      valueAtRiskListed: 2350,
      valueAtRiskEligible: 2350,
      modelId: 'model-1',
      scoredAt: '2024-06-29',
      kind: 'at-risk',
      onOtherList: 0, // nobody has lapsed 180 days past three usual gaps by 2024-06-29
      callEffectSource: 'prior',
      callEffectPrior: 0.1,
      expectedSavedListed: 235,
    });
  });

  it('joins contact details, order and complaint facts and the last contact', async () => {
    const [first, , , fourth] = (await list()).rows;
    expect(first).toEqual({
      rank: 1,
      customerId: 'C01',
      name: 'Ada Lovelace',
      phone: '+44 20 7946 0001',
      email: 'ada@example.com',
      churnProbability: 0.9,
      valueAtRisk: 500,
      lastOrderDate: '2024-03-05',
      orders: 2, // O1 has two lines
      openComplaints: 1,
      reasons: ['64 days since last order; usually 21', 'No orders in the last 90 days'],
      lastContact: null,
      lastOutcome: null,
      phoneE164: '+442079460001',
      segment: 'At risk',
      standing: 'At risk',
      callEffect: 0.1,
      expectedSavedValue: 50, // value at risk × the prior P(a call changes the outcome)
    });
    expect(fourth).toMatchObject({
      customerId: 'C07',
      orders: 0,
      lastOrderDate: null,
      openComplaints: 0,
      lastContact: '2024-05-01T12:00:00Z',
      lastOutcome: 'reached',
      phone: '07700 900007',
      phoneE164: '+447700900007', // national, read as British
    });
  });

  it('says a champion more likely to leave than stay is slipping, and keeps the segment', async () => {
    const rows = (await list()).rows;
    expect(rows.find((r) => r.customerId === 'C10')).toMatchObject({
      segment: 'Champions',
      standing: 'Champion, slipping',
    });
    expect(rows.find((r) => r.customerId === 'C09')).toMatchObject({ segment: 'Loyal', standing: 'Loyal' });
    expect(await ids({ segment: 'Champions' })).toEqual(['C10']);
  });

  it('lists only customers a dialler can call, counting the others as left out', async () => {
    const reachable = await list({ hasPhone: true });
    expect(reachable.rows.map((r) => [r.customerId, r.phoneE164])).toEqual([
      ['C01', '+442079460001'],
      ['C07', '+447700900007'],
      ['C08', '+447700900008'],
      ['C09', '+12125550109'],
    ]);
    expect(reachable.summary).toMatchObject({
      eligible: 4,
      excludedNoPhone: 3,
      listedWithoutPhone: 0,
      excludedNoConsent: 2, // the first reason that applies: C04 and C05 have no consent
      excludedDoNotCall: 1,
    });
    expect(await ids({ hasPhone: false })).toEqual(['C02', 'C03', 'C10']);
    expect((await list({ hasPhone: false })).summary).toMatchObject({
      excludedNoPhone: 0,
      listedWithoutPhone: 3,
    });
    // Cut to two: C01 has a number, C02 not.
    expect((await list({ top: 2 })).summary).toMatchObject({ listed: 2, listedWithoutPhone: 1 });
  });

  it('reads national numbers in the country asked for, and refuses one it has no rules for', async () => {
    const american = await list({ phoneCountry: 'US' });
    expect(american.summary.phoneCountry).toBe('US');
    // 07700 900007 is no American number.
    expect(american.rows.find((r) => r.customerId === 'C07')?.phoneE164).toBeNull();
    await expect(list({ phoneCountry: 'XX' })).rejects.toThrow(/No dialling rules for the country "XX"/);
  });

  it('leaves out customers contacted within D days, counting each customer under one reason', async () => {
    const week = await list({ excludeContactedDays: 7 });
    expect(week.rows.map((r) => r.customerId)).toEqual(['C01', 'C02', 'C03', 'C07', 'C09', 'C10']);
    expect(week.summary).toMatchObject({ excludedRecentlyContacted: 1, excludedDoNotCall: 1, eligible: 6 });
    // 61 days reaches C07 (60 days ago); C06 (20 days ago) stays counted as do-not-call.
    const sixtyOne = await list({ excludeContactedDays: 61 });
    expect(sixtyOne.rows.map((r) => r.customerId)).toEqual(['C01', 'C02', 'C03', 'C09', 'C10']);
    expect(sixtyOne.summary).toMatchObject({ excludedRecentlyContacted: 2, excludedDoNotCall: 1 });
  });

  it('cuts to top N or capacity N, and reports the value at risk the cut covers', async () => {
    const top = await list({ top: 2 });
    expect(top.rows.map((r) => r.customerId)).toEqual(['C01', 'C02']);
    expect(top.summary).toMatchObject({ cut: 'top', listed: 2, eligible: 7, valueAtRiskListed: 1000 });
    const capacity = await list({ capacity: 3 });
    expect(capacity.summary).toMatchObject({
      cut: 'capacity',
      listed: 3,
      valueAtRiskListed: 1500,
      valueAtRiskEligible: 2350,
    });
    expect((await list({ capacity: 100 })).summary.listed).toBe(7);
  });

  it('filters by minimum probability, segment and region before counting exclusions', async () => {
    expect(await ids({ minProbability: 0.8 })).toEqual(['C01', 'C02', 'C03', 'C10']);
    expect((await list({ minProbability: 0.8 })).summary.excludedNoConsent).toBe(0);
    expect(await ids({ segment: 'Lost' })).toEqual(['C03', 'C07']);
    expect(await ids({ region: 'South' })).toEqual(['C03', 'C09']);
    const east = await list({ region: 'East', segment: ['At risk', 'Champions'] });
    expect(east.rows.map((r) => r.customerId)).toEqual(['C10']);
    expect(east.summary).toMatchObject({ excludedDoNotCall: 1, excludedNoConsent: 0 });
    // Values are bound, never spliced into the SQL.
    expect(await ids({ segment: "x' OR 1=1 --" })).toEqual([]);
  });

  it('filters by several segments or regions, value, a probability range and open complaints', async () => {
    expect(await ids({ segment: ['Lost', 'Loyal'] })).toEqual(['C03', 'C07', 'C09']);
    expect(await ids({ region: ['South', 'East'] })).toEqual(['C03', 'C07', 'C09', 'C10']);
    expect(await ids({ region: ['North'], segment: ['At risk', 'Lost'] })).toEqual(['C01', 'C02', 'C08']);
    const valuable = await list({ minValue: 500 });
    expect(valuable.rows.map((r) => r.customerId)).toEqual(['C01', 'C02', 'C03']);
    // C04, C05 (no consent) and C06 (do not call) are worth more still, and counted as left out.
    expect(valuable.summary).toMatchObject({ excludedNoConsent: 2, excludedDoNotCall: 1, eligible: 3 });
    expect(await ids({ maxProbability: 0.6 })).toEqual(['C07', 'C08', 'C09']);
    expect(await ids({ minProbability: 0.5, maxProbability: 0.8 })).toEqual(['C02', 'C03', 'C07', 'C08']);
    // C01 has one open complaint (K1) and one resolved (K2); nobody else has any.
    const open = await list({ hasOpenComplaint: true });
    expect(open.rows.map((r) => [r.customerId, r.openComplaints])).toEqual([['C01', 1]]);
    expect(open.summary).toMatchObject({ eligible: 1, excludedNoConsent: 0, excludedDoNotCall: 0 });
    expect(await ids({ hasOpenComplaint: false })).toEqual(['C02', 'C03', 'C07', 'C08', 'C09', 'C10']);
    expect(await ids({ hasOpenComplaint: false, segment: 'At risk', region: 'North' })).toEqual([
      'C02',
      'C08',
    ]);
    expect(await ids({ segment: ['Lost', "x' OR 1=1 --"] })).toEqual(['C03', 'C07']);
  });

  it('pages within the cut', async () => {
    const page = await list({}, { offset: 2, limit: 2 });
    expect(page.rows.map((r) => [r.rank, r.customerId])).toEqual([
      [3, 'C03'],
      [4, 'C07'],
    ]);
    expect((await list({ top: 3 }, { offset: 2, limit: 10 })).rows.map((r) => r.rank)).toEqual([3]);
    expect((await list({ top: 3 }, { offset: 5, limit: 10 })).rows).toEqual([]);
  });

  it('reads reasons stored as a JSON list as well as VARCHAR[]', async () => {
    const asList = await list();
    const other = await openCallListFixture();
    try {
      await replaceLatestScores(other.warehouse, fixtureScoresSql(true));
      expect(await callListPage(other.warehouse, {}, { offset: 0, limit: 50 }, { now: FIXTURE_NOW })).toEqual(
        asList,
      );
    } finally {
      other.close();
    }
  });

  it('drops a customer from every later list once "do not call" is recorded', async () => {
    await recordOutcome(warehouse, {
      customerId: 'C09',
      outcome: 'do_not_call',
      by: 'test',
      at: new Date(FIXTURE_NOW.getTime() - 1000),
    });
    const page = await list();
    expect(page.rows.map((r) => r.customerId)).not.toContain('C09');
    expect(page.summary.excludedDoNotCall).toBe(2);
  });
});

describe('callListPage on a read-only database that never had an outcome recorded', () => {
  it('lists the scored customers as never contacted', async () => {
    const { warehouse, dir, close } = await openCallListFixture();
    try {
      await warehouse.write((db) => db.run(sql`DROP TABLE contact_outcomes`));
      warehouse.close();
      const readOnly = await Warehouse.open(path.join(dir, 'test.duckdb'), { threads: 2, readOnly: true });
      try {
        const page = await callListPage(readOnly, {}, { offset: 0, limit: 50 }, { now: FIXTURE_NOW });
        // C06's "do not call" is gone with the table: nobody is left out for an outcome.
        expect(page.rows.map((r) => r.customerId)).toContain('C06');
        expect(page.summary.excludedDoNotCall).toBe(0);
        expect(page.rows.every((r) => r.lastContact === null)).toBe(true);
      } finally {
        readOnly.close();
      }
    } finally {
      close();
    }
  });
});

describe('callListSql', () => {
  it('binds every filter value and leaves out the conditions of absent filters', () => {
    const source = { reasons: 'list', modelId: true, asOf: true, outcomes: true } as const;
    const d = duckdbDialect;
    const sql = callListSql(d, source, {
      segment: ['Lost', "Can't lose them"],
      region: 'North',
      minValue: 250,
      maxProbability: 0.9,
      hasOpenComplaint: false,
    });
    // Rendered as the warehouse renders it: values are bound, the text names only placeholders.
    const text = (statement: Sql) => statement.render((i) => `$${i + 1}`).text;
    expect(sql.summary.values).toEqual(
      expect.arrayContaining(['Lost', "Can't lose them", 'North', 250, 0.9]),
    );
    expect(text(sql.summary)).toMatch(/s\.segment IN \(\$\d+, \$\d+\)/);
    expect(text(sql.summary)).toContain('NOT EXISTS');
    expect(text(sql.summary)).not.toMatch(/Lost|North|250|lose/);
    const plain = callListSql(d, source, {});
    // Only the as-of day, the recent-contact instant and the home country: no filter's value.
    expect(new Set(plain.summary.values)).toEqual(new Set([null]));
    expect(text(plain.summary)).not.toMatch(/segment IN|region IN|EXISTS|THEN 'no_phone'/);
    expect(callListSql(d, source, {}, { phoneCountry: 'GB' }).summary.values).toContain('GB');
    expect(text(callListSql(d, source, { hasPhone: true }).summary)).toContain("THEN 'no_phone'");
  });
});

describe('callListPage without scores', () => {
  it('says to train and score first', async () => {
    const { dir, cleanup } = tempDir('retain-outreach-empty-');
    const warehouse = await openTestWarehouse(dir);
    try {
      const page = callListPage(warehouse, {}, { offset: 0, limit: 10 });
      await expect(page).rejects.toBeInstanceOf(NoScoresError);
      await expect(page).rejects.toThrow(/No churn scores yet/);
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});
