import { type CsvValue, csvLine } from '@retain/schemas';
import { ingest, sql, sqlString, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile, writeScores } from '@retain/warehouse/testing';
import { recordOutcome } from '../contactOutcomes.ts';

/** "Now" of the hand fixture: contacts are dated relative to it. */
export const FIXTURE_NOW = new Date('2024-06-30T12:00:00Z');

const daysAgo = (days: number) => new Date(FIXTURE_NOW.getTime() - days * 86_400_000);

/*
 * Ten scored customers whose call list is worked out by hand in callList.test.ts.
 *
 *  id   consent  probability  value  segment   region  contacts (latest last)              on the list?
 *  C01  yes      0.9          500    At risk   North   –                                    rank 1
 *  C02  yes      0.8          500    At risk   North   –                                    rank 2 (tie on value: probability)
 *  C03  yes      0.8          500    Lost      South   –                                    rank 3 (tie on both: id)
 *  C04  no       0.7          900    At risk   North   –                                    no consent
 *  C05  –        0.6          850    At risk   –       – (no customers row: consent unknown) no consent
 *  C06  yes      0.7          800    At risk   East    reached 40 d ago, do_not_call 20 d   do not call
 *  C07  yes      0.5          400    Lost      East    do_not_call 100 d, reached 60 d      rank 4 (do-not-call revoked)
 *  C08  yes      0.6          300    At risk   North   no_answer 3 d ago                    rank 5, or recently contacted
 *  C09  yes      0.2          100    Loyal     South   –                                    rank 6
 *  C10  yes      0.95         50     Champions East    –                                    rank 7
 *
 * Names, phones and emails hold what a spreadsheet would run as a formula, commas, quotes and a
 * line break. C01 has two orders (one of two lines) and one open complaint of two. Phones: C01 and
 * C08 +44, C09 +1, so national numbers are read as British: C07's 07700 900007 is +447700900007;
 * the other numbers are no phone numbers a dialler can call.
 */
const CUSTOMERS: CsvValue[][] = [
  ['customer_id', 'name', 'email', 'phone', 'region', 'channel', 'signup_date', 'contact_consent'],
  ['C01', 'Ada Lovelace', 'ada@example.com', '+44 20 7946 0001', 'North', 'web', '2022-01-01', 'true'],
  [
    'C02',
    '=HYPERLINK("http://evil.example","click")',
    '@evil.example',
    '-5551234',
    'North',
    'web',
    '2022-01-01',
    'true',
  ],
  ['C03', 'Bob "the Builder", Jr.', 'bob@example.com', '555\n1234', 'South', 'store', '2022-01-01', 'true'],
  ['C04', 'No Consent', 'no@example.com', '555 0004', 'North', 'web', '2022-01-01', 'false'],
  ['C06', 'Do Not Call', 'dnc@example.com', '555 0006', 'East', 'web', '2022-01-01', 'true'],
  ['C07', 'Changed Mind', 'cm@example.com', '07700 900007', 'East', 'app', '2022-01-01', 'true'],
  ['C08', 'Just Called', 'jc@example.com', '+44 7700 900008', 'North', 'web', '2022-01-01', 'true'],
  ['C09', 'Mostly Loyal', 'ml@example.com', '+1 (212) 555-0109', 'South', 'store', '2022-01-01', 'true'],
  ['C10', 'Zoë Ünicode', 'zoe@example.com', '555 0010', 'East', 'web', '2022-01-01', 'true'],
];

const PURCHASES: CsvValue[][] = [
  ['order_id', 'customer_id', 'order_date', 'amount'],
  ['O1', 'C01', '2024-01-10 10:00:00', 30],
  ['O1', 'C01', '2024-01-10 10:00:00', 20],
  ['O2', 'C01', '2024-03-05 09:00:00', 40],
  ['O3', 'C02', '2023-12-24 18:00:00', 70],
  ['O4', 'C05', '2024-02-01 12:00:00', 15],
  ['O5', 'C09', '2024-06-01 12:00:00', 15],
];

const COMPLAINTS: CsvValue[][] = [
  ['complaint_id', 'customer_id', 'opened_at', 'resolved_at'],
  ['K1', 'C01', '2024-03-06 10:00:00', null],
  ['K2', 'C01', '2024-01-12 10:00:00', '2024-01-13 10:00:00'],
];

export interface FixtureScore {
  customerId: string;
  probability: number;
  valueAtRisk: number;
  segment: string;
  reasons: string[];
}

export const FIXTURE_SCORES: FixtureScore[] = [
  {
    customerId: 'C01',
    probability: 0.9,
    valueAtRisk: 500,
    segment: 'At risk',
    reasons: ['64 days since last order; usually 21', 'No orders in the last 90 days'],
  },
  { customerId: 'C02', probability: 0.8, valueAtRisk: 500, segment: 'At risk', reasons: ['=1+1'] },
  { customerId: 'C03', probability: 0.8, valueAtRisk: 500, segment: 'Lost', reasons: [] },
  { customerId: 'C04', probability: 0.7, valueAtRisk: 900, segment: 'At risk', reasons: [] },
  { customerId: 'C05', probability: 0.6, valueAtRisk: 850, segment: 'At risk', reasons: [] },
  { customerId: 'C06', probability: 0.7, valueAtRisk: 800, segment: 'At risk', reasons: [] },
  { customerId: 'C07', probability: 0.5, valueAtRisk: 400, segment: 'Lost', reasons: [] },
  { customerId: 'C08', probability: 0.6, valueAtRisk: 300, segment: 'At risk', reasons: [] },
  { customerId: 'C09', probability: 0.2, valueAtRisk: 100, segment: 'Loyal', reasons: ['Low spend'] },
  { customerId: 'C10', probability: 0.95, valueAtRisk: 50, segment: 'Champions', reasons: [] },
];

const csv = (rows: CsvValue[][]) => rows.map((row) => csvLine(row, false)).join('');

/**
 * Replaces the `latest_scores` view with a table built by `select`: for scores shaped otherwise
 * than the churn package writes them (reasons as JSON text).
 */
export async function replaceLatestScores(warehouse: Warehouse, select: string): Promise<void> {
  await warehouse.write(async (db) => {
    await db.run(sql`DROP VIEW IF EXISTS latest_scores`);
    await db.run(sql.raw(`CREATE TABLE latest_scores AS ${select}`));
  });
}

/** `FIXTURE_SCORES` as SQL rows, reasons as VARCHAR[] or, with `reasonsAsJson`, as JSON text. */
export function fixtureScoresSql(reasonsAsJson = false): string {
  const rows = FIXTURE_SCORES.map((s) => {
    const reasons = reasonsAsJson
      ? sqlString(JSON.stringify(s.reasons))
      : `[${s.reasons.map(sqlString).join(', ')}]::VARCHAR[]`;
    return `(${sqlString(s.customerId)}, ${s.probability}, ${s.valueAtRisk}, ${sqlString(s.segment)}, ${reasons})`;
  });
  return `SELECT customer_id, churn_probability, value_at_risk, segment, reasons,
            'model-1' AS model_id, DATE '2024-06-29' AS as_of
          FROM (VALUES ${rows.join(', ')}) v(customer_id, churn_probability, value_at_risk, segment, reasons)`;
}

/** A fresh warehouse holding the hand fixture, loaded through ingest; `close` removes it. */
export async function openCallListFixture(): Promise<{
  warehouse: Warehouse;
  dir: string;
  close: () => void;
}> {
  const { dir, cleanup } = tempDir('retain-outreach-');
  const warehouse = await openTestWarehouse(dir);
  await ingest(warehouse, [
    { section: 'customers', file: writeFile(dir, 'customers.csv', csv(CUSTOMERS)) },
    { section: 'purchases', file: writeFile(dir, 'purchases.csv', csv(PURCHASES)) },
    { section: 'complaints', file: writeFile(dir, 'complaints.csv', csv(COMPLAINTS)) },
  ]);
  await writeScores(warehouse, fixtureScoresSql());
  const contacts = [
    { customerId: 'C06', outcome: 'reached', at: daysAgo(40) },
    { customerId: 'C06', outcome: 'do_not_call', at: daysAgo(20) },
    { customerId: 'C07', outcome: 'do_not_call', at: daysAgo(100) },
    { customerId: 'C07', outcome: 'reached', at: daysAgo(60) },
    { customerId: 'C08', outcome: 'no_answer', at: daysAgo(3) },
  ] as const;
  for (const c of contacts) await recordOutcome(warehouse, { ...c, by: 'fixture' });
  return {
    warehouse,
    dir,
    close: () => {
      warehouse.close();
      cleanup();
    },
  };
}

/**
 * `customers` scored customers generated by DuckDB, with two reasons each, for the fault test and
 * the benchmark. Every tenth has no contact consent, unless `allConsent`. No purchases. Nearly
 * every phone number is one a dialler can call (as E.164), as in a shop's data.
 */
export async function generateScoredCustomers(
  warehouse: Warehouse,
  customers: number,
  options: { allConsent?: boolean } = {},
): Promise<void> {
  const consent = options.allConsent ? 'true' : 'i % 10 <> 0';
  await warehouse.write((db) =>
    db.run(
      sql.raw(`INSERT INTO customers (customer_id, name, email, phone, region, channel, signup_date, contact_consent, batch_id)
      SELECT printf('C%08d', i), 'Customer ' || i, 'c' || i || '@example.com',
             -- Phones as shops hold them: half +44, a quarter +1, a quarter national, one in 20 none.
             CASE WHEN i % 20 = 7 THEN NULL
                  WHEN i % 4 < 2 THEN '+44 7700 ' || lpad((i % 1000000)::VARCHAR, 6, '0')
                  WHEN i % 4 = 2 THEN '+1 (' || (200 + i % 800) || ') 555-' || lpad((i % 10000)::VARCHAR, 4, '0')
                  ELSE '07700 ' || lpad((i % 1000000)::VARCHAR, 6, '0') END,
             ['North', 'South', 'East', 'West'][1 + i % 4], 'web', DATE '2022-01-01' + (i % 700)::INTEGER, ${consent}, 0
      FROM range(${Math.trunc(customers)}) t(i)`),
    ),
  );
  await writeScores(
    warehouse,
    `SELECT printf('C%08d', i) AS customer_id, ((i * 7919) % 10007) / 10007.0 AS churn_probability,
            round(((i * 104729) % 100003) / 100.0, 2) AS value_at_risk,
            ['At risk', 'Lost', 'Loyal', 'Hibernating'][1 + i % 4] AS segment,
            [(30 + i % 200) || ' days since last order; usually ' || (10 + i % 40),
             'No orders in the last 90 days, after ' || (1 + i % 5) || ' in the 90 before']::VARCHAR[] AS reasons
     FROM range(${Math.trunc(customers)}) t(i)`,
  );
}
