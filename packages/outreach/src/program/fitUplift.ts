import {
  DEFAULT_CALL_EFFECT,
  MIN_UPLIFT_CONTROL,
  MIN_UPLIFT_LISTS,
  type UpliftEvaluation,
  type UpliftStatus,
} from '@retain/schemas';
import { type Db, ordersRelation, type Sql, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { customerStateCtes, lostSql, UPLIFT_FEATURES } from './customerStateSql.ts';
import { dataEnd } from './measureProgram.ts';
import { migrateProgramTables, programTablesExist } from './programTables.ts';
import { fitUpliftModel, predictUplift, qini, type UpliftRow } from './upliftModel.ts';
import { readActiveUplift } from './upliftStore.ts';

/** Of the matured lists, at least this share of their members (the latest lists) judge the model. */
const TEST_SHARE = 0.25;

const maturedRow = z.object({ list_id: z.string(), list_date: z.string(), control: z.number() });

/** At-risk lists with a control group whose horizon the data has passed, oldest first. */
async function maturedLists(db: Db): Promise<z.output<typeof maturedRow>[]> {
  if (!(await programTablesExist(db))) return [];
  const end = await dataEnd(db);
  if (end === null) return [];
  const d = db.dialect;
  const control = d.filtered(sql`count(*)`, sql`m.arm = 'control'`);
  return db.query(
    sql`SELECT l.list_id, CAST(l.list_date AS VARCHAR) AS list_date, CAST(${control} AS INTEGER) AS control
        FROM call_lists l JOIN call_list_members m ON m.list_id = l.list_id
        WHERE l.kind = 'at-risk' AND ${d.addDays(sql`l.list_date`, sql`l.horizon_days`)} <= CAST(${end} AS DATE)
        GROUP BY l.list_id, l.list_date HAVING ${control} > 0
        ORDER BY l.list_date, l.list_id`,
    maturedRow,
  );
}

const trainingRow = z.object({
  list_id: z.string(),
  treated: z.boolean(),
  retained: z.boolean(),
  churn_probability: z.number(),
  value_at_risk: z.number(),
  features: z.array(z.number()),
});

/** Every member of the lists with the features at its list's date and whether they were retained. */
async function trainingRows(db: Db, listIds: readonly string[]) {
  const d = db.dialect;
  const afterList = (days: Sql) => d.addDays(sql`mb.list_date`, days);
  const ids = listIds.length > 0 ? sql.join(listIds.map((id) => sql`${id}`)) : sql`NULL`;
  const features = UPLIFT_FEATURES.map((f) => d.cast(sql.raw(`(${f.sql})`), 'double'));
  return db.query(
    sql`WITH lists AS (
         SELECT list_id, list_date, horizon_days FROM call_lists WHERE list_id IN (${ids})
       ),
       ${customerStateCtes(
         d,
         sql`SELECT DISTINCT m.customer_id, l.list_date AS as_of
         FROM call_list_members m JOIN lists l ON l.list_id = m.list_id`,
       )},
       members AS (
         SELECT m.list_id, m.customer_id, m.arm, m.churn_probability, m.value_at_risk, l.list_date, l.horizon_days
         FROM call_list_members m JOIN lists l ON l.list_id = m.list_id
       ),
       retained AS (
         SELECT mb.list_id, mb.customer_id, count(o.order_id) > 0 AS retained
         FROM members mb
         LEFT JOIN ${ordersRelation()} o
           ON o.customer_id = mb.customer_id AND o.ordered_at >= ${afterList(sql`1`)}
          AND o.ordered_at < ${afterList(sql`mb.horizon_days + 1`)}
         GROUP BY mb.list_id, mb.customer_id
       ),
       described AS (
         SELECT mb.list_id, mb.customer_id, mb.arm, r.retained,
                coalesce(mb.churn_probability, 0.5) AS churn_probability, coalesce(mb.value_at_risk, 0) AS value_at_risk,
                cs.orders, cs.days_since, cs.usual_gap, cs.slow_complaint, cs.open_complaint, ${sql.raw(lostSql('cs'))} AS lost
         FROM members mb
         JOIN customer_state cs ON cs.customer_id = mb.customer_id AND cs.as_of = mb.list_date
         JOIN retained r ON r.list_id = mb.list_id AND r.customer_id = mb.customer_id
       )
       SELECT list_id, arm = 'treated' AS treated, retained, CAST(churn_probability AS DOUBLE) AS churn_probability,
              CAST(value_at_risk AS DOUBLE) AS value_at_risk,
              ARRAY[${sql.join(features)}] AS features
       FROM described ORDER BY list_id, customer_id`,
    trainingRow,
  );
}

/**
 * Fits the uplift model when enough lists with control groups have matured and the set has
 * changed since the last fit: out of time, first on the earlier lists to judge it on the latest
 * (the Qini curve against ranking by churn probability and by value at risk), then on all of them
 * for use. Returns the status either way.
 */
export async function refreshUpliftModel(warehouse: Warehouse, now = new Date()): Promise<UpliftStatus> {
  const state = await warehouse.read(async (db) => ({
    matured: await maturedLists(db),
    active: await readActiveUplift(db),
  }));
  const ids = state.matured.map((l) => l.list_id);
  const enough = meetsThreshold(state.matured);
  const unchanged = state.active !== null && sameLists(state.active.lists, ids);
  if (enough && !unchanged) {
    const rows = await warehouse.read((db) => trainingRows(db, ids));
    const evaluation = evaluateOutOfTime(rows, state.matured);
    const model = fitUpliftModel(rows.map(asUpliftRow));
    await warehouse.transaction(async (db) => {
      await migrateProgramTables(db);
      await db.run(sql`INSERT INTO uplift_models (uplift_id, fitted_at, lists, model, evaluation)
        VALUES (${`U-${now.getTime().toString(36)}`}, CAST(${now.toISOString()} AS TIMESTAMP), ${JSON.stringify(ids)},
                ${JSON.stringify(model)}, ${JSON.stringify(evaluation)})`);
    });
  }
  return warehouse.read((db) => upliftStatus(db));
}

function meetsThreshold(matured: readonly { control: number }[]): boolean {
  const control = matured.reduce((sum, l) => sum + l.control, 0);
  return matured.length >= MIN_UPLIFT_LISTS && control >= MIN_UPLIFT_CONTROL;
}

const sameLists = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

const asUpliftRow = (row: z.output<typeof trainingRow>): UpliftRow => ({
  x: row.features,
  treated: row.treated,
  retained: row.retained,
});

/** The latest lists (at least a quarter of the members) held out; the model fitted on the rest. */
export function evaluateOutOfTime(
  rows: readonly z.output<typeof trainingRow>[],
  matured: readonly { list_id: string }[],
): UpliftEvaluation {
  const testLists: string[] = [];
  let held = 0;
  for (let i = matured.length - 1; i > 0 && held < TEST_SHARE * rows.length; i--) {
    const id = matured[i]?.list_id ?? '';
    testLists.push(id);
    held += rows.filter((r) => r.list_id === id).length;
  }
  const testSet = new Set(testLists);
  const train = rows.filter((r) => !testSet.has(r.list_id));
  const test = rows.filter((r) => testSet.has(r.list_id));
  const model = fitUpliftModel(train.map(asUpliftRow));
  const testRows = test.map(asUpliftRow);
  return {
    trainLists: matured.map((l) => l.list_id).filter((id) => !testSet.has(id)),
    testLists: testLists.reverse(),
    trainCustomers: train.length,
    testCustomers: test.length,
    uplift: qini(
      testRows,
      test.map((r) => predictUplift(model, r.features)),
    ),
    churnProbability: qini(
      testRows,
      test.map((r) => r.churn_probability),
    ),
    valueAtRisk: qini(
      testRows,
      test.map((r) => r.value_at_risk),
    ),
  };
}

/** Where P(a call changes the outcome) comes from now, and how far the thresholds are met. */
export async function upliftStatus(db: Db): Promise<UpliftStatus> {
  const matured = await maturedLists(db);
  const active = await readActiveUplift(db);
  return {
    source: active ? 'uplift-model' : 'prior',
    prior: DEFAULT_CALL_EFFECT,
    maturedLists: matured.length,
    controlCustomers: matured.reduce((sum, l) => sum + l.control, 0),
    minLists: MIN_UPLIFT_LISTS,
    minControl: MIN_UPLIFT_CONTROL,
    fittedAt: active?.fittedAt ?? null,
    evaluation: active?.evaluation ?? null,
  };
}

/** upliftStatus on a read handle of its own. */
export function readUpliftStatus(warehouse: Warehouse): Promise<UpliftStatus> {
  return warehouse.read(upliftStatus);
}
