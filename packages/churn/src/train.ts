import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  BaselineMetrics,
  Candidate,
  CandidateName,
  FeatureImportance,
  FeatureInfo,
  Metrics,
  ModelCurves,
  ModelEvaluation,
  Origin,
  Selection,
  TrainingEvent,
} from '@retain/schemas';
import { HORIZON_DAYS, horizonDaysSchema, TRAINING_SEED } from '@retain/schemas';
import { BadInputError, type Db, ParameterError, type Warehouse } from '@retain/warehouse';
import type { BackendName } from './backend.ts';
import { dayNumber, invalidAsOf, isoDate } from './dates.ts';
import { FeatureExtractor, orderRange } from './features/extractFeatures.ts';
import { CATEGORICAL_FEATURES, numericFeatureDefinitions } from './features/featureSpec.ts';
import type { FeatureTable } from './features/featureTable.ts';
import {
  type ModelManifest,
  modelsDirFor,
  removeOrphanModelFolders,
  removeStaleTemporaryFolders,
  writeModelFolder,
} from './model/modelFiles.ts';
import { registeredModelFolders } from './registry.ts';
import { writeScores } from './scoring/saveScores.ts';
import { SCORING_THREADS, scoreInParallel } from './scoring/scoreInParallel.ts';
import { planSnapshots } from './snapshots.ts';
import { DEFAULT_HYPERPARAMETERS, type Hyperparameters, type TrainProgress } from './worker/trainJob.ts';
import { inlineRunner, type JobRunner, startWorker } from './worker/workerClient.ts';

export type TrainingProgress = Omit<TrainingEvent, 'jobId'>;

export interface TrainOptions {
  /**
   * Where the features are extracted: an engine whose schema holds the facts tables (a Trino
   * cluster), which sends back only the sampled rows. Default: the warehouse. The model, its files
   * and its scores are the warehouse's either way.
   */
  features?: Db;
  /** T, YYYY-MM-DD (default: the day of the last order). Nothing after it is read. */
  asOf?: string;
  horizonDays?: number;
  seed?: number;
  /** Labelled customer-snapshot rows one fit uses at most (sampled at random, seeded). */
  maxTrainingRows?: number;
  /** Validation-snapshot customers scored at most. */
  maxValidationRows?: number;
  hyperparameters?: Partial<Hyperparameters>;
  backendOrder?: BackendName[];
  /** 'worker' (default) keeps the event loop free; 'inline' runs in this thread. */
  runner?: 'worker' | 'inline';
  /** Default: models/ beside the database file. */
  modelsDir?: string;
  onProgress?: (progress: TrainingProgress) => void;
  signal?: AbortSignal;
  /**
   * Benchmarks: also refit every candidate and peer on all labelled snapshots and score them at the
   * as-of date (scoresAtAsOf).
   */
  scoreCandidatesAtAsOf?: boolean;
  /** The currency setting (RETAIN_CURRENCY) amounts in reasons are written in; default: the data's. */
  currency?: string | undefined;
  /** Called after the model files are complete and before the version is registered (tests). */
  beforeRegister?: () => void | Promise<void>;
}

export interface TrainResult {
  modelId: string;
  backend: string;
  asOf: string;
  horizonDays: number;
  dataVersion: number;
  /** The active scorer and why (see selection.reason). */
  selected: { name: CandidateName; label: string; reason: string };
  /** The active scorer's metrics on the pooled out-of-time rows. */
  validation: Metrics;
  baselines: BaselineMetrics;
  /** Every candidate on the pooled out-of-time rows, with intervals. */
  candidates: Candidate[];
  selection: Selection;
  origins: Origin[];
  curves: ModelCurves;
  featureImportance: FeatureImportance;
  trainSeconds: number;
  snapshots: { validation: string; training: string[] };
  rows: ModelEvaluation['rows'];
  epochs: ModelEvaluation['epochs'];
  scored: { asOf: string; customers: number };
  notes: string[];
  /** With scoreCandidatesAtAsOf: every candidate's and every peer's probability per scored customer. */
  scoresAtAsOf?: {
    customerId: string[];
    candidates: Record<CandidateName, Float64Array>;
    peers: { recency: Float64Array; rfmLogistic: Float64Array; bgnbd: Float64Array; gbt: Float64Array };
  };
}

/** Rough share of a run's time per phase, for the progress bar. */
const PHASE_SPAN: Record<TrainProgress['phase'], [number, number]> = {
  'validation-fit': [12, 62],
  baselines: [62, 66],
  'final-fit': [66, 85],
};

/**
 * Trains a churn model version end to end: features for out-of-time snapshots in DuckDB; in a worker
 * thread, every candidate scorer (the stack, the network, the trees and the baselines) fitted and
 * judged on rolling origins, the best selected and refitted; then the selected scorer's scores at T. The
 * version's files are written to a temporary folder and renamed into place, and the version is
 * registered together with its scores in one transaction: a run that fails or is killed at any
 * point leaves the previous model active and the database as it was.
 */
export async function trainChurnModel(
  warehouse: Warehouse,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const started = performance.now();
  const report = options.onProgress ?? (() => {});
  const horizonDays = options.horizonDays ?? HORIZON_DAYS.default;
  const seed = options.seed ?? TRAINING_SEED.default;
  if (!horizonDaysSchema.safeParse(horizonDays).success)
    throw new ParameterError({
      code: 'outOfRange',
      field: 'horizonDays',
      value: horizonDays,
      params: { min: HORIZON_DAYS.min, max: HORIZON_DAYS.max },
      explanation: null,
    });
  const source = options.features ?? warehouse;
  const range = await orderRange(source);
  if (!range) throw new BadInputError('The warehouse holds no purchases yet: load data first.');
  const lastDay = Math.floor(range.lastDay);
  const asOfDay = options.asOf ? parseAsOf(options.asOf) : lastDay;
  if (asOfDay > lastDay) {
    throw new ParameterError({
      code: 'afterDataEnd',
      field: 'asOf',
      value: isoDate(asOfDay),
      params: { dataEnd: isoDate(lastDay) },
      explanation:
        'the labels of the last horizon would be unobserved. Train at or before the data’s end; score at any date.',
    });
  }
  const plan = planSnapshots({ asOfDay, horizonDays, firstOrderDay: range.firstDay });
  const notes = [...plan.notes];
  const dataVersion = await warehouse.dataVersion();
  const hyperparameters = { ...DEFAULT_HYPERPARAMETERS, ...options.hyperparameters };
  const modelsDir = options.modelsDir ?? modelsDirFor(warehouse.path);
  await removeLeftovers(warehouse, modelsDir);

  report({ phase: 'features', message: 'extracting features for the out-of-time snapshots', percent: 1 });
  const extractor = await FeatureExtractor.open(source, asOfDay);
  const runner: JobRunner = options.runner === 'inline' ? inlineRunner() : startWorker(options.signal);
  const extraRunners: JobRunner[] = [];
  try {
    const days = [plan.validationDay, ...plan.trainingDays];
    const population = await extractor.population(days);
    const trainingPopulation = population.slice(1).reduce((a, b) => a + b, 0);
    const validationPopulation = population[0] ?? 0;
    const maxTraining = options.maxTrainingRows ?? 400_000;
    // One rate for every labelled snapshot keeps the final fit's mix of snapshots unbiased.
    const finalRate = Math.min(1, maxTraining / Math.max(1, trainingPopulation + validationPopulation));
    const validationRate = Math.max(
      finalRate,
      Math.min(1, (options.maxValidationRows ?? 200_000) / Math.max(1, validationPopulation)),
    );
    if (finalRate < 1) {
      notes.push(
        `Sampled ${(finalRate * 100).toFixed(1)} % of the ${trainingPopulation + validationPopulation} labelled ` +
          'customer-snapshots for fitting (seeded).',
      );
    }
    const table = await extractor.extract(
      days.map((day, k) => ({ day, rate: k === 0 ? validationRate : finalRate })),
      { labels: true, horizonDays, seed },
    );
    report({
      phase: 'features',
      message: `${table.rows} labelled customer-snapshots from ${days.length} snapshots`,
      percent: 10,
    });
    const extractScoring = () =>
      extractor.extract([{ day: asOfDay, rate: 1 }], { labels: false, horizonDays, seed });
    // The benchmark's baselines are scored at T inside the training job, so it needs T's rows first.
    const early = options.scoreCandidatesAtAsOf ? await extractScoring() : null;
    const training = runner.run(
      'train',
      {
        table: withoutIds(table),
        snapshotDates: days.map(isoDate),
        origins: plan.origins,
        horizonDays,
        seed,
        seasonal: plan.seasonal,
        finalRate,
        hyperparameters,
        ...(options.backendOrder ? { backendOrder: options.backendOrder } : {}),
        ...(early ? { candidatesAt: withoutIds(early) } : {}),
      },
      (progress) => report(trainingProgress(progress, hyperparameters.maxEpochs)),
    );
    training.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
    // While the worker trains, DuckDB prepares the rows to score at T.
    const scoringTable = early ?? (await extractScoring());
    const trained = await training;
    notes.push(...trained.notes);

    const scoresAtAsOf: TrainResult['scoresAtAsOf'] = trained.scoresAt
      ? { customerId: scoringTable.customerId, ...trained.scoresAt }
      : undefined;

    // The version's files first (a temporary folder renamed into place), then its scores and its
    // registry row in one transaction.
    report({ phase: 'saving', message: 'saving the model files', percent: 86 });
    const createdAt = new Date();
    const modelId = newModelId(createdAt);
    const asOf = isoDate(asOfDay);
    const manifest: ModelManifest = {
      modelId,
      createdAt: createdAt.toISOString(),
      asOf,
      horizonDays,
      dataVersion,
      backend: trained.backend,
      normalisation: trained.normalisation,
      scorer: trained.scorer,
      database: path.basename(warehouse.path),
    };
    const folder = await writeModelFolder(modelsDir, {
      manifest,
      ...(trained.network ? { network: trained.network } : {}),
      ...(trained.gbt ? { gbt: trained.gbt } : {}),
    });
    const origins: Origin[] = trained.origins.map((o) => ({
      snapshot: isoDate(days[o.snapshot] ?? asOfDay),
      rows: o.rows,
      churnRate: o.churnRate,
      trainingRows: o.trainingRows,
      trainingSnapshots: o.trainingSnapshots.map((k) => isoDate(days[k] ?? asOfDay)),
    }));
    const evaluation: ModelEvaluation = {
      validation: trained.validation,
      baselines: trained.baselines,
      snapshots: { validation: isoDate(plan.validationDay), training: plan.trainingDays.map(isoDate) },
      rows: trained.rows,
      epochs: trained.epochs,
      history: trained.history,
      seasonal: plan.seasonal,
      notes,
      curves: trained.curves,
      featureImportance: trained.featureImportance,
      candidates: trained.candidates,
      selection: trained.selection,
      origins,
    };
    let trainSeconds = 0;
    report({ phase: 'scoring', message: `scoring ${scoringTable.rows} customers at ${asOf}`, percent: 88 });
    // The training worker scores too, with more workers beside it where there are cores to spare.
    if (options.runner !== 'inline') {
      for (let k = 1; k < SCORING_THREADS; k++) extraRunners.push(startWorker(options.signal));
    }
    const scoringRunners = [runner, ...extraRunners];
    try {
      await writeScores(warehouse, {
        modelId,
        asOf,
        table: scoringTable,
        currency: options.currency,
        score: (onChunk) =>
          scoreInParallel(
            scoringRunners,
            {
              table: withoutIds(scoringTable),
              scorer: trained.scorer,
              normalisation: trained.normalisation,
              ...(trained.network ? { network: trained.network } : {}),
              ...(trained.gbt ? { gbt: trained.gbt } : {}),
              ...(options.backendOrder ? { backendOrder: options.backendOrder } : {}),
            },
            onChunk,
            (done, total) =>
              report({
                phase: 'scoring',
                message: `scored ${done} of ${total}`,
                percent: 88 + (10 * done) / total,
              }),
          ),
        beforeCommit: options.beforeRegister,
        register: () => {
          trainSeconds = (performance.now() - started) / 1000;
          return {
            modelId,
            createdAt: manifest.createdAt.replace(/\.\d+Z$/, 'Z'),
            asOf,
            horizonDays,
            dataVersion,
            backend: trained.backend,
            features: featureInfo(plan.seasonal, trained.normalisation),
            normalisation: { ...trained.normalisation, scorer: trained.scorer },
            evaluation,
            path: path.relative(path.dirname(warehouse.path), folder),
            trainSeconds,
            status: 'ready',
          };
        },
      });
    } catch (error) {
      // Never registered: the folder would only be an orphan.
      await fs.rm(folder, { recursive: true, force: true });
      throw error;
    }
    report({ phase: 'done', message: `model ${modelId} is ready`, percent: 100, modelId });
    return {
      modelId,
      backend: trained.backend,
      asOf,
      horizonDays,
      dataVersion,
      selected: {
        name: trained.selection.name,
        label: trained.selection.label,
        reason: trained.selection.reason,
      },
      validation: trained.validation,
      baselines: trained.baselines,
      candidates: trained.candidates,
      selection: trained.selection,
      origins,
      curves: trained.curves,
      featureImportance: trained.featureImportance,
      trainSeconds,
      snapshots: evaluation.snapshots,
      rows: trained.rows,
      epochs: trained.epochs,
      scored: { asOf, customers: scoringTable.rows },
      notes,
      ...(scoresAtAsOf ? { scoresAtAsOf } : {}),
    };
  } finally {
    await Promise.all([extractor.close(), ...[runner, ...extraRunners].map((r) => r.close())]);
  }
}

/**
 * What killed trainings left in models/: temporary folders, and version folders renamed into place
 * but never registered (older than an hour, so a concurrent run's are safe). Done when a training
 * starts rather than when a server or CLI opens, which must stay cheap and free of side effects.
 */
export async function removeLeftovers(
  warehouse: Warehouse,
  modelsDir: string,
  now?: number,
): Promise<string[]> {
  await removeStaleTemporaryFolders(modelsDir);
  const registered = await registeredModelFolders(warehouse);
  return removeOrphanModelFolders(modelsDir, {
    database: path.basename(warehouse.path),
    isRegistered: (folder) => registered.has(path.resolve(folder)),
    ...(now === undefined ? {} : { now }),
  });
}

function trainingProgress(progress: TrainProgress, maxEpochs: number): TrainingProgress {
  const [from, to] = PHASE_SPAN[progress.phase];
  const epochShare = progress.epoch ? Math.min(1, progress.epoch.epoch / maxEpochs) : 0;
  // The rolling origins' fits share their phase's span one after the other.
  const origins = progress.fit ? Math.max(1, progress.fit.count - 1) : 1;
  const done = progress.fit && progress.phase === 'validation-fit' ? progress.fit.index - 1 : 0;
  const share = progress.phase === 'validation-fit' ? (done + epochShare) / origins : epochShare;
  return {
    phase: progress.phase,
    message: progress.message,
    percent: from + (to - from) * share,
    ...(progress.epoch
      ? { epoch: progress.epoch.epoch, loss: progress.epoch.loss, holdoutAuc: progress.epoch.holdoutAuc }
      : {}),
  };
}

/** The worker does not need the ids; leaving them out saves copying a string per customer. */
export function withoutIds(table: FeatureTable): FeatureTable {
  return { ...table, customerId: [] };
}

function parseAsOf(value: string): number {
  try {
    return dayNumber(value);
  } catch (error) {
    throw invalidAsOf(value, error);
  }
}

/** m-20261001-153012-3fa2: sortable by creation time, unique enough for one warehouse. */
function newModelId(createdAt: Date): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `m-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** The features as stored with the version: the numeric definitions, then the categorical ones. */
export function featureInfo(
  seasonal: boolean,
  normalisation: { categorical: { name: string; levels: string[] }[] },
) {
  const numeric: FeatureInfo[] = numericFeatureDefinitions(seasonal).map((d) => ({
    name: d.name,
    group: d.group,
    description: d.description,
  }));
  const categorical: FeatureInfo[] = CATEGORICAL_FEATURES.map((c) => ({
    name: c.name,
    group: c.group,
    description: `${c.description}; levels: ${normalisation.categorical.find((x) => x.name === c.name)?.levels.join(', ') || 'none'}`,
  }));
  return [...numeric, ...categorical];
}
