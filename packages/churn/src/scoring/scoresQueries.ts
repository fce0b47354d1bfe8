import {
  type CustomerScore,
  SCORE_SORTS,
  type ScoreRow,
  type ScoresListInput,
  type ScoresPage,
  scoresListInputSchema,
} from '@retain/schemas';
import {
  type Db,
  dbDay,
  dbInstant,
  dbNullableNumber,
  dbNumber,
  ordersRelation,
  type Sql,
  sql,
  type Warehouse,
} from '@retain/warehouse';
import { z } from 'zod';
import { churnTablesExist } from '../churnTables.ts';
import { scoreConditions } from './scoreFilter.ts';

/** The (model, as-of) pair to read: the one named, else what latest_scores serves; null before any. */
async function resolveRun(
  db: Db,
  modelId: string | undefined,
  asOf: string | undefined,
): Promise<{ modelId: string; asOf: string } | null> {
  if (!(await churnTablesExist(db))) return null;
  const onDay = (column: Sql) => (asOf ? sql`AND ${column} = CAST(${asOf} AS DATE)` : sql.empty);
  const run = z.object({ model_id: z.string(), as_of: dbDay });
  const row = modelId
    ? await db.first(
        sql`SELECT model_id, as_of FROM score_runs
            WHERE model_id = ${modelId} ${onDay(sql`as_of`)}
            ORDER BY as_of DESC, scored_at DESC LIMIT 1`,
        run,
      )
    : await db.first(
        sql`SELECT r.model_id, r.as_of
            FROM score_runs r JOIN models m ON m.model_id = r.model_id
            WHERE m.status = 'ready' ${onDay(sql`r.as_of`)}
            ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC LIMIT 1`,
        run,
      );
  return row ? { modelId: row.model_id, asOf: row.as_of } : null;
}

/** Lists as JSON text: the same on every engine, parsed here. */
const ROW_COLUMNS = sql`customer_id, churn_probability, expected_revenue_12m, value_at_risk, segment, rfm,
  CAST(to_json(reasons) AS VARCHAR) AS reasons, CAST(to_json(reason_codes) AS VARCHAR) AS reason_codes,
  CAST(to_json(reason_impacts) AS VARCHAR) AS reason_impacts`;

const SCORE_ROW = z.object({
  customer_id: z.string(),
  churn_probability: dbNumber,
  expected_revenue_12m: dbNumber,
  value_at_risk: dbNumber,
  segment: z.string(),
  rfm: z.string(),
  reasons: z.string().nullable(),
  reason_codes: z.string().nullable(),
  reason_impacts: z.string().nullable(),
});

function toScoreRow(row: z.output<typeof SCORE_ROW>): ScoreRow {
  return {
    customerId: row.customer_id,
    churnProbability: row.churn_probability,
    expectedRevenue12m: row.expected_revenue_12m,
    valueAtRisk: row.value_at_risk,
    segment: row.segment,
    rfm: row.rfm,
    reasons: JSON.parse(row.reasons ?? '[]') as string[],
    reasonCodes: JSON.parse(row.reason_codes ?? '[]') as string[],
  };
}

/** One page of scores, sorted and filtered; values are bound, the sort column comes from a fixed list. */
export async function listScores(warehouse: Warehouse, rawInput: ScoresListInput = {}): Promise<ScoresPage> {
  const input = scoresListInputSchema.parse(rawInput);
  return warehouse.read(async (db) => {
    const run = await resolveRun(db, input.modelId, input.asOf);
    if (!run)
      return { modelId: null, asOf: null, total: 0, page: input.page, pageSize: input.pageSize, rows: [] };
    const where: Sql[] = [sql`model_id = ${run.modelId}`, sql`as_of = CAST(${run.asOf} AS DATE)`];
    // The filters the call lists offer too, written once (scoreFilter.ts).
    where.push(...scoreConditions(input));
    const values = (list: readonly string[]) => sql.join(list.map((v) => sql`${v}`));
    if (input.reason?.length) where.push(sql`list_has_any(reason_codes, [${values(input.reason)}])`);
    if (input.search) where.push(sql`starts_with(customer_id, ${input.search})`);
    const sort = SCORE_SORTS.includes(input.sort) ? input.sort : 'value_at_risk';
    const direction = input.direction === 'asc' ? 'ASC' : 'DESC';
    const filter = sql.join(where, ' AND ');
    const total = await db.scalar(sql`SELECT count(*) FROM scores WHERE ${filter}`, dbNumber);
    const rows = await db.query(
      sql`SELECT ${ROW_COLUMNS} FROM scores WHERE ${filter}
          ORDER BY ${sql.ident(sort)} ${sql.raw(direction)}, customer_id
          LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
      SCORE_ROW,
    );
    return { ...run, total, page: input.page, pageSize: input.pageSize, rows: rows.map(toScoreRow) };
  });
}

const text = z.string().nullable();

/** One customer: profile, score and reasons, and their order, complaint and return history. */
export async function customerScore(
  warehouse: Warehouse,
  input: { customerId: string; modelId?: string | undefined },
): Promise<CustomerScore> {
  const id = input.customerId;
  return warehouse.read(async (db) => {
    const run = await resolveRun(db, input.modelId, undefined);
    let score: CustomerScore['score'] = null;
    if (run) {
      const row = await db.first(
        sql`SELECT ${ROW_COLUMNS} FROM scores
            WHERE model_id = ${run.modelId} AND as_of = CAST(${run.asOf} AS DATE) AND customer_id = ${id}`,
        SCORE_ROW,
      );
      if (row) {
        score = {
          ...toScoreRow(row),
          modelId: run.modelId,
          asOf: run.asOf,
          reasonImpacts: JSON.parse(row.reason_impacts ?? '[]') as number[],
        };
      }
    }
    const profile = await db.first(
      sql`SELECT name, email, phone, region, channel, signup_date
          FROM customers WHERE customer_id = ${id} LIMIT 1`,
      z.object({
        name: text,
        email: text,
        phone: text,
        region: text,
        channel: text,
        signup_date: dbDay.nullable(),
      }),
    );
    const orders = await db.query(
      sql`SELECT order_id, ordered_at, value, lines
          FROM ${ordersRelation({ orderIds: sql`order_id IN (SELECT order_id FROM purchases WHERE customer_id = ${id})` })}
          WHERE customer_id = ${id}
          ORDER BY ordered_at DESC, order_id LIMIT 500`,
      z.object({ order_id: z.string(), ordered_at: dbInstant, value: dbNumber, lines: dbNumber }),
    );
    const complaints = await db.query(
      sql`SELECT complaint_id, opened_at, resolved_at, category, severity
          FROM complaints WHERE customer_id = ${id} ORDER BY opened_at DESC LIMIT 500`,
      z.object({
        complaint_id: z.string(),
        opened_at: dbInstant,
        resolved_at: dbInstant.nullable(),
        category: text,
        severity: dbNullableNumber,
      }),
    );
    const returns = await db.query(
      sql`SELECT return_id, order_id, returned_at, amount
          FROM returns WHERE customer_id = ${id} ORDER BY returned_at DESC LIMIT 500`,
      z.object({ return_id: z.string(), order_id: text, returned_at: dbInstant, amount: dbNumber }),
    );
    return {
      customerId: input.customerId,
      profile: profile
        ? {
            name: profile.name,
            email: profile.email,
            phone: profile.phone,
            region: profile.region,
            channel: profile.channel,
            signupDate: profile.signup_date,
          }
        : null,
      score,
      orders: orders.map((o) => ({
        orderId: o.order_id,
        orderedAt: o.ordered_at,
        value: o.value,
        lines: o.lines,
      })),
      complaints: complaints.map((c) => ({
        complaintId: c.complaint_id,
        openedAt: c.opened_at,
        resolvedAt: c.resolved_at,
        category: c.category,
        severity: c.severity,
      })),
      returns: returns.map((r) => ({
        returnId: r.return_id,
        orderId: r.order_id,
        returnedAt: r.returned_at,
        amount: r.amount,
      })),
    };
  });
}
