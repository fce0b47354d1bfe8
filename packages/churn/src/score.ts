import type { Db, Dialect, Sql, Warehouse } from '@retain/warehouse';
import {
  BadInputError,
  csvLineSql,
  csvNumberSql,
  csvTextSql,
  ParameterError,
  sql,
  sqlIdent,
} from '@retain/warehouse';
import type { BackendName } from './backend.ts';
import { ensureChurnTables } from './churnTables.ts';
import { dayNumber, invalidAsOf, isoDate } from './dates.ts';
import { FeatureExtractor, orderRange } from './features/extractFeatures.ts';
import { readModelFolder, scorerOf } from './model/modelFiles.ts';
import { getModel, modelFolder } from './registry.ts';
import { writeScores } from './scoring/saveScores.ts';
import { SCORING_THREADS, scoreInParallel } from './scoring/scoreInParallel.ts';
import { withoutIds } from './train.ts';
import { inlineRunner, startWorker } from './worker/workerClient.ts';

export interface ScoreOptions {
  /**
   * Where the features are extracted: an engine whose schema holds the facts tables (a Trino
   * cluster). Default: the warehouse, which keeps the scores either way.
   */
  features?: Db;
  /** Default: the newest ready model. */
  modelId?: string;
  /** Default: the day of the last order (scoring "today"). */
  asOf?: string;
  seed?: number;
  backendOrder?: BackendName[];
  runner?: 'worker' | 'inline';
  onProgress?: (done: number, total: number) => void;
  /** The currency setting (RETAIN_CURRENCY) amounts in reasons are written in; default: the data's. */
  currency?: string | undefined;
}

export interface ScoreResult {
  modelId: string;
  asOf: string;
  customers: number;
  backend: string;
  seconds: number;
}

/**
 * Scores every customer whose first order is on or before the as-of date with a model version, with
 * whatever scorer it ships (the stack, the network, the trees or a baseline; versions from before
 * the comparison with their network): probability, reasons, value at risk and segment, stored per
 * (model, as-of) in `scores`.
 */
export async function scoreCustomers(warehouse: Warehouse, options: ScoreOptions = {}): Promise<ScoreResult> {
  const started = performance.now();
  const record = await getModel(warehouse, options.modelId);
  if (!record) {
    if (!options.modelId) throw new BadInputError('No trained model yet: train one first.');
    throw unknownModel(options.modelId);
  }
  const source = options.features ?? warehouse;
  const range = await orderRange(source);
  if (!range) throw new BadInputError('The warehouse holds no purchases: load data first.');
  let asOfDay = Math.floor(range.lastDay);
  if (options.asOf) {
    try {
      asOfDay = dayNumber(options.asOf);
    } catch (error) {
      throw invalidAsOf(options.asOf, error);
    }
  }
  if (asOfDay < Math.floor(range.firstDay)) {
    throw new ParameterError({
      code: 'beforeDataStart',
      field: 'asOf',
      value: isoDate(asOfDay),
      params: { dataStart: isoDate(range.firstDay) },
      explanation: null,
    });
  }
  const files = await readModelFolder(modelFolder(warehouse, record));
  const extractor = await FeatureExtractor.open(source, asOfDay);
  const runners =
    options.runner === 'inline'
      ? [inlineRunner()]
      : Array.from({ length: SCORING_THREADS }, () => startWorker());
  try {
    const table = await extractor.extract([{ day: asOfDay, rate: 1 }], {
      labels: false,
      horizonDays: record.horizonDays,
      seed: options.seed ?? 42,
    });
    const asOf = isoDate(asOfDay);
    const { backend } = await writeScores(warehouse, {
      modelId: record.modelId,
      asOf,
      table,
      currency: options.currency,
      score: (onChunk) =>
        scoreInParallel(
          runners,
          {
            table: withoutIds(table),
            scorer: scorerOf(files.manifest),
            normalisation: files.manifest.normalisation,
            ...(files.network ? { network: files.network } : {}),
            ...(files.gbt ? { gbt: files.gbt } : {}),
            ...(options.backendOrder ? { backendOrder: options.backendOrder } : {}),
          },
          onChunk,
          options.onProgress,
        ),
    });
    return {
      modelId: record.modelId,
      asOf,
      customers: table.rows,
      backend,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await Promise.all([extractor.close(), ...runners.map((r) => r.close())]);
  }
}

function unknownModel(modelId: string): ParameterError {
  return new ParameterError({
    code: 'notFound',
    field: 'modelId',
    value: modelId,
    params: {},
    explanation: null,
  });
}

const column = (name: string) => () => sql.ident(name);

/** The columns of a score export, in order, and how each is written to CSV. */
const EXPORT_COLUMNS: ReadonlyArray<{
  name: string;
  sql: (dialect: Dialect) => Sql;
  csv: 'text' | 'number';
}> = [
  { name: 'customer_id', sql: column('customer_id'), csv: 'text' },
  { name: 'churn_probability', sql: column('churn_probability'), csv: 'number' },
  { name: 'value_at_risk', sql: column('value_at_risk'), csv: 'number' },
  { name: 'segment', sql: column('segment'), csv: 'text' },
  { name: 'reasons', sql: (dialect) => dialect.joinList(sql`reasons`, sql`' | '`), csv: 'text' },
  { name: 'expected_revenue_12m', sql: column('expected_revenue_12m'), csv: 'number' },
  { name: 'rfm', sql: column('rfm'), csv: 'text' },
  { name: 'model_id', sql: column('model_id'), csv: 'text' },
  { name: 'as_of', sql: (dialect) => dialect.isoDay(sql`as_of`), csv: 'text' },
];

const CSV_CELL = { text: csvTextSql, number: csvNumberSql };

/**
 * Writes one model's scores at one as-of date to CSV or Parquet (by the file's extension):
 * customer_id, churn_probability, value_at_risk, segment, reasons (joined with " | "), then
 * expected_revenue_12m, rfm, model_id, as_of; highest value at risk first. The CSV is the call
 * list's kind (RFC 4180, CRLF, cells a spreadsheet would run as a formula neutralised, the same
 * bytes as `csvLine`), with its lines made by DuckDB; Parquet keeps every value as it is.
 */
export async function exportScores(
  warehouse: Warehouse,
  target: { modelId: string; asOf: string; file: string },
): Promise<{ rows: number; format: 'csv' | 'parquet' }> {
  const format = /\.parquet$/i.test(target.file) ? 'parquet' : 'csv';
  // A read-only open of a database that no model has scored in has nothing of that model to export.
  if (!(await ensureChurnTables(warehouse))) throw unknownModel(target.modelId);
  const order = sql`ORDER BY rank_value DESC, rank_probability DESC, customer_id`;
  const rows = await warehouse.read((db) => {
    const ranked = sql`SELECT ${sql.join(EXPORT_COLUMNS.map((c) => sql`${c.sql(db.dialect)} AS ${sql.ident(c.name)}`))},
        value_at_risk AS rank_value, churn_probability AS rank_probability
      FROM scores WHERE model_id = ${target.modelId} AND as_of = CAST(${target.asOf} AS DATE)`;
    return db.count(
      format === 'parquet'
        ? db.dialect.copyToParquet(
            sql`SELECT ${sql.raw(EXPORT_COLUMNS.map((c) => c.name).join(', '))} FROM (${ranked}) ${order}`,
            target.file,
          )
        : // One column whose name is the header line, holding finished lines: COPY writes them as they are.
          db.dialect.copyToCsv(
            sql`SELECT ${sql.raw(csvLineSql(EXPORT_COLUMNS.map((c) => CSV_CELL[c.csv](c.name))))}
                  AS ${sql.raw(sqlIdent(EXPORT_COLUMNS.map((c) => c.name).join(',')))}
                FROM (${ranked}) ${order}`,
            target.file,
            { header: true, verbatim: true, newline: '\r\n' },
          ),
    );
  });
  return { rows, format };
}
