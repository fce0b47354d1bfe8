import path from 'node:path';
import {
  type FeatureInfo,
  featureInfoSchema,
  type ModelDetail,
  type ModelEvaluation,
  type ModelSummary,
  modelEvaluationSchema,
} from '@retain/schemas';
import type { DuckDBConnection, Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import type { Normalisation } from './features/encode.ts';
import type { Calibration } from './model/platt.ts';
import type { ScorerSpec } from './scorers/scorerSpec.ts';

/** A model version as registered in DuckDB. */
export interface ModelRecord {
  modelId: string;
  createdAt: string;
  asOf: string;
  horizonDays: number;
  dataVersion: number;
  backend: string;
  features: FeatureInfo[];
  /** The inputs' standardisation, with the scorer (versions before the comparison: the network's calibration). */
  normalisation: Normalisation & { scorer?: ScorerSpec; calibration?: Calibration };
  evaluation: ModelEvaluation;
  /** Folder of the model files, relative to the database's folder. */
  path: string;
  trainSeconds: number;
  status: 'ready';
}

const MODEL_COLUMNS = `model_id, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at,
  strftime(as_of, '%Y-%m-%d') AS as_of, horizon_days, data_version, backend,
  features::VARCHAR AS features, normalisation::VARCHAR AS normalisation, metrics::VARCHAR AS metrics,
  path, train_seconds, status`;

const rowSchema = z.object({
  model_id: z.string(),
  created_at: z.string(),
  as_of: z.string(),
  horizon_days: z.number(),
  data_version: z.number(),
  backend: z.string(),
  features: z.string(),
  normalisation: z.string(),
  metrics: z.string(),
  path: z.string(),
  train_seconds: z.number(),
  status: z.string(),
});

function toRecord(row: Record<string, unknown>): ModelRecord {
  const r = rowSchema.parse(row);
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

async function rows(conn: DuckDBConnection, sql: string, params?: Record<string, string>) {
  const reader = await conn.runAndReadAll(sql, params);
  return reader
    .getRowObjectsJS()
    .map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
}

/** The newest ready model, or the one named. */
export async function getModel(warehouse: Warehouse, modelId?: string): Promise<ModelRecord | null> {
  return warehouse.read(async (conn) => {
    const found = modelId
      ? await rows(
          conn,
          `SELECT ${MODEL_COLUMNS} FROM models WHERE model_id = $modelId AND status = 'ready'`,
          {
            modelId,
          },
        )
      : await rows(
          conn,
          `SELECT ${MODEL_COLUMNS} FROM models WHERE status = 'ready' ORDER BY created_at DESC, model_id DESC LIMIT 1`,
        );
    return found[0] ? toRecord(found[0]) : null;
  });
}

export async function hasReadyModel(warehouse: Warehouse): Promise<boolean> {
  return warehouse.read(async (conn) => {
    const row = (await conn.runAndReadAll("SELECT count(*) FROM models WHERE status = 'ready'")).getRows()[0];
    return Number(row?.[0] ?? 0) > 0;
  });
}

/** Every ready model, newest first, with its headline figures and the as-of dates it has scored. */
export async function listModels(warehouse: Warehouse): Promise<ModelSummary[]> {
  return warehouse.read(async (conn) => {
    const models = await rows(
      conn,
      `SELECT ${MODEL_COLUMNS} FROM models WHERE status = 'ready' ORDER BY created_at DESC, model_id DESC`,
    );
    const runs = await rows(
      conn,
      `SELECT model_id, strftime(as_of, '%Y-%m-%d') AS as_of FROM score_runs ORDER BY as_of DESC, scored_at DESC`,
    );
    const active = (await rows(conn, 'SELECT model_id FROM latest_scores LIMIT 1'))[0]?.model_id ?? null;
    return models.map((row) => {
      const record = toRecord(row);
      return {
        ...summary(record),
        scoredAsOf: [
          ...new Set(runs.filter((r) => r.model_id === record.modelId).map((r) => String(r.as_of))),
        ],
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

/** Inserts the registry row; runs inside the caller's transaction (see saveScores). */
export async function insertModel(conn: DuckDBConnection, record: ModelRecord): Promise<void> {
  await conn.run(
    `INSERT INTO models (model_id, created_at, as_of, horizon_days, data_version, backend, features,
       normalisation, metrics, path, train_seconds, status)
     VALUES ($modelId, CAST($createdAt AS TIMESTAMP), CAST($asOf AS DATE), $horizonDays, $dataVersion, $backend,
       CAST($features AS JSON), CAST($normalisation AS JSON), CAST($metrics AS JSON), $path, $trainSeconds, $status)`,
    {
      modelId: record.modelId,
      createdAt: record.createdAt.replace('T', ' ').replace('Z', ''),
      asOf: record.asOf,
      horizonDays: record.horizonDays,
      dataVersion: record.dataVersion,
      backend: record.backend,
      features: JSON.stringify(record.features),
      normalisation: JSON.stringify(record.normalisation),
      metrics: JSON.stringify(record.evaluation),
      path: record.path,
      trainSeconds: record.trainSeconds,
      status: record.status,
    },
  );
}

/** The folders every registry row points at, as absolute paths (rows of any status). */
export async function registeredModelFolders(warehouse: Warehouse): Promise<Set<string>> {
  return warehouse.read(async (conn) => {
    const found = await rows(conn, 'SELECT path FROM models');
    const base = path.dirname(warehouse.path);
    return new Set(found.map((row) => path.resolve(base, String(row.path))));
  });
}

/** The model's folder on disk. */
export function modelFolder(warehouse: Warehouse, record: ModelRecord): string {
  return path.resolve(path.dirname(warehouse.path), record.path);
}
