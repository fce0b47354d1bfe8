import path from 'node:path';
import {
  type FeatureInfo,
  featureInfoSchema,
  type ModelDetail,
  type ModelEvaluation,
  type ModelSummary,
  modelEvaluationSchema,
} from '@retain/schemas';
import { type Db, dbDay, dbInstant, dbNumber, type Sql, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { churnTablesExist } from './churnTables.ts';
import type { Normalisation } from './features/encode.ts';
import type { ModelManifest, ModelVersion } from './model/modelFiles.ts';

/** A model version as registered in DuckDB. */
/** A ready version as the registry keeps it: its identity (as in its files), evaluation and folder. */
export interface ModelRecord extends ModelVersion {
  features: FeatureInfo[];
  /** The inputs' standardisation, with the scorer (versions before the comparison: the network's calibration). */
  normalisation: Normalisation & Pick<ModelManifest, 'scorer' | 'calibration'>;
  evaluation: ModelEvaluation;
  /** Folder of the model files, relative to the database's folder. */
  path: string;
  trainSeconds: number;
  status: 'ready';
}

const MODEL_COLUMNS = sql`model_id, created_at, as_of, horizon_days, data_version, backend,
  CAST(features AS VARCHAR) AS features, CAST(normalisation AS VARCHAR) AS normalisation,
  CAST(metrics AS VARCHAR) AS metrics, path, train_seconds, status`;

const rowSchema = z.object({
  model_id: z.string(),
  created_at: dbInstant,
  as_of: dbDay,
  horizon_days: dbNumber,
  data_version: dbNumber,
  backend: z.string(),
  features: z.string(),
  normalisation: z.string(),
  metrics: z.string(),
  path: z.string(),
  train_seconds: dbNumber,
  status: z.string(),
});

function toRecord(r: z.output<typeof rowSchema>): ModelRecord {
  return {
    modelId: r.model_id,
    createdAt: r.created_at,
    asOf: r.as_of,
    horizonDays: r.horizon_days,
    dataVersion: r.data_version,
    backend: r.backend,
    features: z.array(featureInfoSchema).parse(JSON.parse(r.features)),
    normalisation: JSON.parse(r.normalisation) as ModelRecord['normalisation'],
    evaluation: modelEvaluationSchema.parse(JSON.parse(r.metrics)),
    path: r.path,
    trainSeconds: r.train_seconds,
    status: 'ready',
  };
}

/** Registry rows, none where the churn tables were never created (a read-only open of a new database). */
async function models(db: Db, where: Sql): Promise<ModelRecord[]> {
  if (!(await churnTablesExist(db))) return [];
  const found = await db.query(sql`SELECT ${MODEL_COLUMNS} FROM models ${where}`, rowSchema);
  return found.map(toRecord);
}

/** The newest ready model, or the one named. */
export async function getModel(warehouse: Warehouse, modelId?: string): Promise<ModelRecord | null> {
  const found = await warehouse.read((db) =>
    modelId
      ? models(db, sql`WHERE model_id = ${modelId} AND status = 'ready'`)
      : models(db, sql`WHERE status = 'ready' ORDER BY created_at DESC, model_id DESC LIMIT 1`),
  );
  return found[0] ?? null;
}

export async function hasReadyModel(warehouse: Warehouse): Promise<boolean> {
  return warehouse.read(
    async (db) =>
      (await churnTablesExist(db)) &&
      (await db.scalar(sql`SELECT count(*) FROM models WHERE status = 'ready'`, dbNumber)) > 0,
  );
}

/** Every ready model, newest first, with its headline figures and the as-of dates it has scored. */
export async function listModels(warehouse: Warehouse): Promise<ModelSummary[]> {
  return warehouse.read(async (db) => {
    const ready = await models(db, sql`WHERE status = 'ready' ORDER BY created_at DESC, model_id DESC`);
    if (ready.length === 0) return [];
    const runs = await db.query(
      sql`SELECT model_id, as_of FROM score_runs ORDER BY as_of DESC, scored_at DESC`,
      z.object({ model_id: z.string(), as_of: dbDay }),
    );
    const active = await db.scalar(sql`SELECT model_id FROM latest_scores LIMIT 1`, z.string().nullable());
    return ready.map((record) => {
      return {
        ...summary(record),
        scoredAsOf: [...new Set(runs.filter((r) => r.model_id === record.modelId).map((r) => r.as_of))],
        active: record.modelId === active,
      };
    });
  });
}

/** A model's features, training set-up and every metric of it and its baselines. */
export async function modelDetail(warehouse: Warehouse, modelId?: string): Promise<ModelDetail | null> {
  const record = await getModel(warehouse, modelId);
  if (!record) return null;
  const listed = (await listModels(warehouse)).find((m) => m.modelId === record.modelId);
  return {
    ...summary(record),
    scoredAsOf: listed?.scoredAsOf ?? [],
    active: listed?.active ?? false,
    features: record.features,
    evaluation: record.evaluation,
  };
}

function summary(record: ModelRecord) {
  return {
    modelId: record.modelId,
    createdAt: record.createdAt,
    asOf: record.asOf,
    horizonDays: record.horizonDays,
    dataVersion: record.dataVersion,
    backend: record.backend,
    status: record.status,
    trainSeconds: record.trainSeconds,
    validationAuc: record.evaluation.validation.auc,
    bgnbdAuc: record.evaluation.baselines.bgnbd.auc,
    scorer: record.evaluation.selection?.name ?? 'network',
  };
}

/** Inserts the registry row; runs inside the caller's transaction, after migrateChurnTables (see saveScores). */
export async function insertModel(db: Db, record: ModelRecord): Promise<void> {
  await db.run(
    sql`INSERT INTO models (model_id, created_at, as_of, horizon_days, data_version, backend, features,
          normalisation, metrics, path, train_seconds, status)
        VALUES (${record.modelId}, CAST(${record.createdAt.replace('T', ' ').replace('Z', '')} AS TIMESTAMP),
          CAST(${record.asOf} AS DATE), ${record.horizonDays}, ${record.dataVersion}, ${record.backend},
          CAST(${JSON.stringify(record.features)} AS JSON), CAST(${JSON.stringify(record.normalisation)} AS JSON),
          CAST(${JSON.stringify(record.evaluation)} AS JSON), ${record.path}, ${record.trainSeconds}, ${record.status})`,
  );
}

/** The folders every registry row points at, as absolute paths (rows of any status). */
export async function registeredModelFolders(warehouse: Warehouse): Promise<Set<string>> {
  const found = await warehouse.read(async (db) =>
    (await churnTablesExist(db))
      ? db.query(sql`SELECT path FROM models`, z.object({ path: z.string() }))
      : [],
  );
  const base = path.dirname(warehouse.path);
  return new Set(found.map((row) => path.resolve(base, row.path)));
}

/** The model's folder on disk. */
export function modelFolder(warehouse: Warehouse, record: ModelRecord): string {
  return path.resolve(path.dirname(warehouse.path), record.path);
}
