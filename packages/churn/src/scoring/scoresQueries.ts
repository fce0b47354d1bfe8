import {
  type CustomerScore,
  SCORE_SORTS,
  type ScoreRow,
  type ScoresListInput,
  type ScoresPage,
  scoresListInputSchema,
} from '@retain/schemas';
import type { DuckDBConnection, Warehouse } from '@retain/warehouse';

type Params = Record<string, string | number>;

/** The (model, as-of) pair to read: the one named, else what latest_scores serves. */
async function resolveRun(
  conn: DuckDBConnection,
  modelId: string | undefined,
  asOf: string | undefined,
): Promise<{ modelId: string; asOf: string } | null> {
  const rows = modelId
    ? (
        await conn.runAndReadAll(
          `SELECT model_id, strftime(as_of, '%Y-%m-%d') FROM score_runs
           WHERE model_id = $modelId ${asOf ? 'AND as_of = CAST($asOf AS DATE)' : ''}
           ORDER BY as_of DESC, scored_at DESC LIMIT 1`,
          asOf ? { modelId, asOf } : { modelId },
        )
      ).getRows()
    : (
        await conn.runAndReadAll(
          `SELECT r.model_id, strftime(r.as_of, '%Y-%m-%d')
           FROM score_runs r JOIN models m ON m.model_id = r.model_id
           WHERE m.status = 'ready' ${asOf ? 'AND r.as_of = CAST($asOf AS DATE)' : ''}
           ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC LIMIT 1`,
          asOf ? { asOf } : {},
        )
      ).getRows();
  const row = rows[0];
  return row ? { modelId: String(row[0]), asOf: String(row[1]) } : null;
}

const ROW_COLUMNS = `customer_id, churn_probability, expected_revenue_12m, value_at_risk, segment, rfm,
  to_json(reasons)::VARCHAR AS reasons, to_json(reason_codes)::VARCHAR AS reason_codes,
  to_json(reason_impacts)::VARCHAR AS reason_impacts`;

function toScoreRow(row: Record<string, unknown>): ScoreRow {
  return {
    customerId: String(row.customer_id),
    churnProbability: Number(row.churn_probability),
    expectedRevenue12m: Number(row.expected_revenue_12m),
    valueAtRisk: Number(row.value_at_risk),
    segment: String(row.segment),
    rfm: String(row.rfm),
    reasons: JSON.parse(String(row.reasons ?? '[]')) as string[],
    reasonCodes: JSON.parse(String(row.reason_codes ?? '[]')) as string[],
  };
}

/** One page of scores, sorted and filtered; values are bound, the sort column comes from a fixed list. */
export async function listScores(warehouse: Warehouse, rawInput: ScoresListInput = {}): Promise<ScoresPage> {
  const input = scoresListInputSchema.parse(rawInput);
  return warehouse.read(async (conn) => {
    const run = await resolveRun(conn, input.modelId, input.asOf);
    if (!run)
      return { modelId: null, asOf: null, total: 0, page: input.page, pageSize: input.pageSize, rows: [] };
    const where = ['model_id = $modelId', 'as_of = CAST($asOf AS DATE)'];
    const params: Params = { modelId: run.modelId, asOf: run.asOf };
    if (input.segment?.length) {
      where.push(`segment IN (${input.segment.map((_, i) => `$segment${i}`).join(', ')})`);
      input.segment.forEach((s, i) => {
        params[`segment${i}`] = s;
      });
    }
    if (input.reason?.length) {
      where.push(`list_has_any(reason_codes, [${input.reason.map((_, i) => `$reason${i}`).join(', ')}])`);
      input.reason.forEach((r, i) => {
        params[`reason${i}`] = r;
      });
    }
    if (input.minProbability !== undefined) {
      where.push('churn_probability >= $minProbability');
      params.minProbability = input.minProbability;
    }
    if (input.maxProbability !== undefined) {
      where.push('churn_probability <= $maxProbability');
      params.maxProbability = input.maxProbability;
    }
    if (input.search) {
      where.push('starts_with(customer_id, $search)');
      params.search = input.search;
    }
    const sort = SCORE_SORTS.includes(input.sort) ? input.sort : 'value_at_risk';
    const direction = input.direction === 'asc' ? 'ASC' : 'DESC';
    const filter = where.join(' AND ');
    const total = Number(
      (await conn.runAndReadAll(`SELECT count(*) FROM scores WHERE ${filter}`, params)).getRows()[0]?.[0] ??
        0,
    );
    const rows = (
      await conn.runAndReadAll(
        `SELECT ${ROW_COLUMNS} FROM scores WHERE ${filter}
         ORDER BY ${sort} ${direction}, customer_id LIMIT $limit OFFSET $offset`,
        { ...params, limit: input.pageSize, offset: (input.page - 1) * input.pageSize },
      )
    ).getRowObjectsJS();
    return { ...run, total, page: input.page, pageSize: input.pageSize, rows: rows.map(toScoreRow) };
  });
}

const ts = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%SZ')`;

/** One customer: profile, score and reasons, and their order, complaint and return history. */
export async function customerScore(
  warehouse: Warehouse,
  input: { customerId: string; modelId?: string | undefined },
): Promise<CustomerScore> {
  return warehouse.read(async (conn) => {
    const id = { customerId: input.customerId };
    const run = await resolveRun(conn, input.modelId, undefined);
    let score: CustomerScore['score'] = null;
    if (run) {
      const row = (
        await conn.runAndReadAll(
          `SELECT ${ROW_COLUMNS} FROM scores
           WHERE model_id = $modelId AND as_of = CAST($asOf AS DATE) AND customer_id = $customerId`,
          { ...id, ...run },
        )
      ).getRowObjectsJS()[0];
      if (row) {
        score = {
          ...toScoreRow(row),
          modelId: run.modelId,
          asOf: run.asOf,
          reasonImpacts: JSON.parse(String(row.reason_impacts ?? '[]')) as number[],
        };
      }
    }
    const profileRow = (
      await conn.runAndReadAll(
        `SELECT name, email, phone, region, channel, strftime(signup_date, '%Y-%m-%d') AS signup_date
         FROM customers WHERE customer_id = $customerId LIMIT 1`,
        id,
      )
    ).getRowObjectsJS()[0];
    const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
    const orders = (
      await conn.runAndReadAll(
        `SELECT order_id, ${ts('min(order_date)')} AS ordered_at, sum(amount) AS value, count(*) AS lines
         FROM purchases WHERE customer_id = $customerId
         GROUP BY order_id ORDER BY min(order_date) DESC, order_id LIMIT 500`,
        id,
      )
    ).getRowObjectsJS();
    const complaints = (
      await conn.runAndReadAll(
        `SELECT complaint_id, ${ts('opened_at')} AS opened_at, ${ts('resolved_at')} AS resolved_at, category, severity
         FROM complaints WHERE customer_id = $customerId ORDER BY opened_at DESC LIMIT 500`,
        id,
      )
    ).getRowObjectsJS();
    const returns = (
      await conn.runAndReadAll(
        `SELECT return_id, order_id, ${ts('returned_at')} AS returned_at, amount
         FROM returns WHERE customer_id = $customerId ORDER BY returned_at DESC LIMIT 500`,
        id,
      )
    ).getRowObjectsJS();
    return {
      customerId: input.customerId,
      profile: profileRow
        ? {
            name: text(profileRow.name),
            email: text(profileRow.email),
            phone: text(profileRow.phone),
            region: text(profileRow.region),
            channel: text(profileRow.channel),
            signupDate: text(profileRow.signup_date),
          }
        : null,
      score,
      orders: orders.map((o) => ({
        orderId: String(o.order_id),
        orderedAt: String(o.ordered_at),
        value: Number(o.value),
        lines: Number(o.lines),
      })),
      complaints: complaints.map((c) => ({
        complaintId: String(c.complaint_id),
        openedAt: String(c.opened_at),
        resolvedAt: text(c.resolved_at),
        category: text(c.category),
        severity: c.severity === null || c.severity === undefined ? null : Number(c.severity),
      })),
      returns: returns.map((r) => ({
        returnId: String(r.return_id),
        orderId: text(r.order_id),
        returnedAt: String(r.returned_at),
        amount: Number(r.amount),
      })),
    };
  });
}
