import fs from 'node:fs';
import path from 'node:path';
import { csvLine } from '@retain/schemas';
import { dbRecord, sql, sqlString, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateChurnTables } from './churnTables.ts';
import { exportScores } from './score.ts';

interface Row {
  customerId: string;
  probability: number;
  valueAtRisk: number;
  segment: string;
  reasons: string[];
  revenue: number;
  rfm: string;
}

/**
 * Scores whose text a spreadsheet would run as a formula, or that need quotes, in the export's
 * order: value at risk, then probability, highest first, then customer id.
 */
const ROWS: Row[] = [
  {
    customerId: '=HYPERLINK("http://evil.example","click")',
    probability: 0.9,
    valueAtRisk: 1234.5,
    segment: '=1+1',
    reasons: ['-3 orders', 'said "never again", twice'],
    revenue: 1371.67,
    rfm: '511',
  },
  {
    customerId: '+C777',
    probability: 0.8,
    valueAtRisk: 500,
    segment: '+Champions',
    reasons: ['@home'],
    revenue: 625,
    rfm: '+12',
  },
  {
    customerId: '-C1',
    probability: 0.8,
    valueAtRisk: 500,
    segment: '-Lost',
    reasons: ['\tindented', 'two\nlines'],
    revenue: 625,
    rfm: '111',
  },
  {
    customerId: '@C2',
    probability: 0.1235,
    valueAtRisk: 42.17,
    segment: '\rreturn',
    reasons: ['\rcarriage', 'crlf\r\nline'],
    revenue: 341.46,
    rfm: '233',
  },
  {
    customerId: '\tC3',
    probability: 0.0001,
    valueAtRisk: 0.02,
    segment: 'a,b',
    reasons: [],
    revenue: 200,
    rfm: '321',
  },
  {
    customerId: 'Zoë "Ünicode", 你好',
    probability: 1,
    valueAtRisk: 0,
    segment: 'Lost',
    reasons: ['x=1+1'],
    revenue: 0,
    rfm: '115',
  },
];

const HEADER = [
  'customer_id',
  'churn_probability',
  'value_at_risk',
  'segment',
  'reasons',
  'expected_revenue_12m',
  'rfm',
  'model_id',
  'as_of',
];

async function insertScores(warehouse: Warehouse, rows: readonly Row[]): Promise<void> {
  await warehouse.write(async (conn) => {
    await migrateChurnTables(conn);
    for (const row of rows) {
      const reasons = Object.fromEntries(row.reasons.map((reason, i) => [`r${i}`, reason]));
      const list = Object.keys(reasons).map((name) => `$${name}`);
      await conn.run(
        sql.named(
          `INSERT INTO scores (model_id, as_of, customer_id, churn_probability, expected_revenue_12m, value_at_risk,
           segment, rfm, reasons, reason_codes, reason_impacts)
         VALUES ('m-1', DATE '2024-06-29', $id, $p, $revenue, $value, $segment, $rfm,
           [${list.join(', ')}]::VARCHAR[], [], [])`,
          {
            id: row.customerId,
            p: row.probability,
            revenue: row.revenue,
            value: row.valueAtRisk,
            segment: row.segment,
            rfm: row.rfm,
            ...reasons,
          },
        ),
      );
    }
    // Another as-of date of the same model, which the export leaves out.
    await conn.run(
      sql.raw(
        `INSERT INTO scores VALUES ('m-1', DATE '2024-03-31', 'OTHER', 0.5, 1, 1, 'Lost', '111', [], [], [])`,
      ),
    );
  });
}

describe('exportScores', () => {
  let warehouse: Warehouse;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-score-export-'));
    warehouse = await openTestWarehouse(dir);
    await insertScores(warehouse, [...ROWS].reverse());
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('writes CSV byte for byte as csvLine does: formulas neutralised, quoted per RFC 4180, numbers as numbers', async () => {
    const file = path.join(dir, 'scores.csv');
    const written = await exportScores(warehouse, { modelId: 'm-1', asOf: '2024-06-29', file });
    expect(written).toEqual({ rows: ROWS.length, format: 'csv' });
    const expected =
      csvLine(HEADER) +
      ROWS.map((r) =>
        csvLine([
          r.customerId,
          r.probability,
          r.valueAtRisk,
          r.segment,
          r.reasons.join(' | '),
          r.revenue,
          r.rfm,
          'm-1',
          '2024-06-29',
        ]),
      ).join('');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(expected);
    // What csvLine makes of the hostile cells, spelled out.
    expect(text).toContain(`\r\n"'=HYPERLINK(""http://evil.example"",""click"")",0.9,1234.5,'=1+1,`);
    expect(text).toContain("\r\n'+C777,0.8,500,'+Champions,'@home,625,'+12,m-1,2024-06-29\r\n");
    expect(text).toContain(`\r\n'-C1,0.8,500,'-Lost,"'\tindented | two\nlines",625,111,`);
    expect(text).toContain(`\r\n'\tC3,0.0001,0.02,"a,b",,200,321,`);
  });

  it('writes Parquet with every value as it is', async () => {
    const file = path.join(dir, 'scores.parquet');
    expect(await exportScores(warehouse, { modelId: 'm-1', asOf: '2024-06-29', file })).toEqual({
      rows: ROWS.length,
      format: 'parquet',
    });
    const rows = await warehouse.query(
      sql.raw(
        `SELECT customer_id, churn_probability, segment, reasons, rfm FROM read_parquet(${sqlString(file)})`,
      ),
      dbRecord,
    );
    expect(rows).toEqual(
      ROWS.map((r) => ({
        customer_id: r.customerId,
        churn_probability: r.probability,
        segment: r.segment,
        reasons: r.reasons.join(' | '),
        rfm: r.rfm,
      })),
    );
  });
});
