import type { BaselineMetrics, FeatureImportance, ModelCurves } from '@retain/schemas';
import { type BackendName, loadBackend, type Tf } from '../backend.ts';
import { bgnbdNoPurchaseProbability, fitBgNbd } from '../baselines/bgnbd.ts';
import { fitGbt, predictGbt } from '../baselines/gbt.ts';
import { fitLogistic, predictLogistic } from '../baselines/logistic.ts';
import { columnMeans, groupImportance } from '../explain/occlusion.ts';
import { REASON_LABELS } from '../explain/reasons.ts';
import {
  columnsByGroup,
  encode,
  evenRows,
  fitNormalisation,
  type Normalisation,
} from '../features/encode.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import { evaluate, type Metrics, thresholdCurves } from '../metrics.ts';
import { type EpochStats, type Matrix, type MlpWeights, mlpLogits, trainMlp } from '../model/mlp.ts';
import { type Calibration, calibrate, fitPlatt, priorShift } from '../model/platt.ts';
import { type TfjsModelJson, toTfjsFiles } from '../model/tfjsFormat.ts';
import { SeededRandom } from '../random.ts';

export interface Hyperparameters {
  hidden: number[];
  maxEpochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  /** Rows the gradient-boosted-trees baseline trains on at most. */
  gbtMaxRows: number;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  hidden: [32, 16],
  maxEpochs: 40,
  patience: 4,
  batchSize: 1024,
  learningRate: 0.003,
  l2: 1e-5,
  gbtMaxRows: 60_000,
};

export interface TrainJobInput {
  /** Labelled rows: snapshot 0 is the validation snapshot, 1… the training snapshots. */
  table: FeatureTable;
  horizonDays: number;
  seed: number;
  seasonal: boolean;
  /** Validation-snapshot rows with sampleU below this join the final fit (the training snapshots' rate). */
  finalRate: number;
  hyperparameters: Hyperparameters;
  backendOrder?: BackendName[];
  /** Also fit every baseline on all labelled snapshots and score these rows (the benchmark's test). */
  baselinesAt?: FeatureTable;
}

export type TrainPhase = 'validation-fit' | 'baselines' | 'final-fit';

export interface TrainProgress {
  phase: TrainPhase;
  message: string;
  epoch?: EpochStats;
}

export interface TrainJobOutput {
  backend: string;
  validation: Metrics;
  baselines: BaselineMetrics;
  /** ROC and PR curves of the model and each baseline on the validation snapshot. */
  curves: ModelCurves;
  featureImportance: FeatureImportance;
  history: { validationFit: EpochStats[]; finalFit: EpochStats[] };
  epochs: { validationFit: number; finalFit: number };
  rows: { training: number; holdout: number; validation: number; final: number; finalHoldout: number };
  normalisation: Normalisation;
  calibration: Calibration;
  validationCalibration: Calibration;
  model: { modelJson: TfjsModelJson; weightsBin: Uint8Array };
  notes: string[];
  baselineScores?: {
    recency: Float64Array;
    rfmLogistic: Float64Array;
    bgnbd: Float64Array;
    gbt: Float64Array;
  };
}

/** Validation customers the global feature importance is averaged over at most (an even sample). */
const IMPORTANCE_SAMPLE = 50_000;

/** Customers the BG/NBD parameters are estimated from (four parameters need no more). */
const BGNBD_SAMPLE = 20_000;

/** Fewer hold-out rows of either class than this and early stopping / Platt scaling are not trusted. */
const MIN_HOLDOUT_CLASS = 10;

/**
 * The CPU-heavy half of training, run in a worker thread: fit the network on the training snapshots
 * (early stopping and Platt scaling on a held-out slice of their customers), score the untouched
 * validation snapshot with it and with every baseline, then refit the same way on all labelled
 * snapshots for the model that is saved.
 */
export async function runTrainJob(
  input: TrainJobInput,
  report: (p: TrainProgress) => void,
): Promise<TrainJobOutput> {
  const { tf, backend } = await loadBackend(input.backendOrder);
  const { table } = input;
  const notes: string[] = [];
  const labels = table.label;
  if (!labels) throw new Error('training rows need labels');
  const validationRows = rowsOf(table, (i) => table.snapshot[i] === 0);
  const trainingRows = rowsOf(table, (i) => (table.snapshot[i] ?? 0) > 0);
  const finalRows = rowsOf(
    table,
    (i) => (table.snapshot[i] ?? 0) > 0 || (table.sampleU[i] ?? 1) < input.finalRate,
  );

  report({ phase: 'validation-fit', message: `fitting on ${trainingRows.length} training rows` });
  const first = await fitNetwork(tf, table, trainingRows, input, notes, 'validation-fit', report);
  const validationX = encode(table, first.normalisation, validationRows);
  const validationLabels = pick(labels, validationRows);
  const validationLogits = mlpLogits(
    tf,
    first.weights,
    matrix(validationX, validationRows.length, first.normalisation),
  );
  const validationP = Float64Array.from(validationLogits, (z) => calibrate(first.calibration, z));
  const validation = evaluate(validationP, validationLabels);

  report({ phase: 'baselines', message: 'scoring the baselines on the validation snapshot' });
  const baselineFit = fitBaselines(table, trainingRows, input, first.normalisation);
  const baselineP = scoreBaselines(baselineFit, table, validationRows, input, first.normalisation);
  const baselines: BaselineMetrics = {
    recency: evaluate(baselineP.recency, validationLabels),
    rfmLogistic: evaluate(baselineP.rfmLogistic, validationLabels),
    bgnbd: {
      ...evaluate(baselineP.bgnbd, validationLabels),
      params: { ...baselineP.bgnbdParams, unit: 'weeks' },
    },
    gbt: { ...evaluate(baselineP.gbt, validationLabels), trees: baselineFit.gbt.trees.length },
  };
  const curves: ModelCurves = {
    model: thresholdCurves(validationP, validationLabels),
    recency: thresholdCurves(baselineP.recency, validationLabels),
    rfmLogistic: thresholdCurves(baselineP.rfmLogistic, validationLabels),
    bgnbd: thresholdCurves(baselineP.bgnbd, validationLabels),
    gbt: thresholdCurves(baselineP.gbt, validationLabels),
  };

  report({ phase: 'final-fit', message: `refitting on ${finalRows.length} rows of all labelled snapshots` });
  const final = await fitNetwork(tf, table, finalRows, input, notes, 'final-fit', report);
  const files = await toTfjsFiles(tf, final.weights);
  const featureImportance = featureImportanceOf(tf, final, table, validationRows);

  let baselineScores: TrainJobOutput['baselineScores'];
  if (input.baselinesAt) {
    report({ phase: 'baselines', message: 'refitting the baselines on all labelled snapshots' });
    const at = input.baselinesAt;
    const refit = fitBaselines(table, finalRows, input, final.normalisation);
    const scored = scoreBaselines(refit, at, allRowsOf(at), input, final.normalisation);
    baselineScores = {
      recency: scored.recency,
      rfmLogistic: scored.rfmLogistic,
      bgnbd: scored.bgnbd,
      gbt: scored.gbt,
    };
  }

  return {
    backend,
    validation,
    baselines,
    curves,
    featureImportance,
    history: { validationFit: first.history, finalFit: final.history },
    epochs: { validationFit: first.bestEpoch, finalFit: final.bestEpoch },
    rows: {
      training: first.fitRows,
      holdout: first.holdoutRows,
      validation: validationRows.length,
      final: final.fitRows,
      finalHoldout: final.holdoutRows,
    },
    normalisation: final.normalisation,
    calibration: final.calibration,
    validationCalibration: first.calibration,
    model: files,
    notes,
    ...(baselineScores ? { baselineScores } : {}),
  };
}

interface NetworkFit {
  weights: MlpWeights;
  normalisation: Normalisation;
  calibration: Calibration;
  history: EpochStats[];
  bestEpoch: number;
  fitRows: number;
  holdoutRows: number;
}

async function fitNetwork(
  tf: Tf,
  table: FeatureTable,
  rows: Uint32Array,
  input: TrainJobInput,
  notes: string[],
  phase: TrainPhase,
  report: (p: TrainProgress) => void,
): Promise<NetworkFit> {
  const labels = table.label as Uint8Array;
  const hp = input.hyperparameters;
  let fitRows: Uint32Array = rows.filter((i) => table.holdout[i] === 0);
  let holdoutRows: Uint32Array = rows.filter((i) => table.holdout[i] === 1);
  const holdoutPositives = count(holdoutRows, (i) => labels[i] === 1);
  const usableHoldout =
    holdoutPositives >= MIN_HOLDOUT_CLASS && holdoutRows.length - holdoutPositives >= MIN_HOLDOUT_CLASS;
  if (!usableHoldout) {
    // Too few customers to hold any out: fit on everything for a fixed, modest number of epochs.
    fitRows = rows;
    holdoutRows = new Uint32Array(0);
  }
  const positives = count(fitRows, (i) => labels[i] === 1);
  const negatives = fitRows.length - positives;
  if (fitRows.length === 0) throw new Error('no rows to train on');
  const classWeights =
    positives > 0 && negatives > 0
      ? { positive: fitRows.length / (2 * positives), negative: fitRows.length / (2 * negatives) }
      : { positive: 1, negative: 1 };
  if (positives === 0 || negatives === 0) {
    notes.push(
      `${phase}: every training customer ${positives === 0 ? 'stayed' : 'churned'}; the model cannot rank.`,
    );
  }
  const network = networkFor(fitRows.length, hp);
  if (network.note) notes.push(`${phase}: ${network.note}`);
  const normalisation = fitNormalisation(table, fitRows, input.seasonal);
  const x = encode(table, normalisation, fitRows);
  const holdoutX = encode(table, normalisation, holdoutRows);
  const maxEpochs = usableHoldout ? hp.maxEpochs : Math.min(hp.maxEpochs, smallDataEpochs(fitRows.length));
  if (!usableHoldout) {
    notes.push(
      `${phase}: the held-out slice has fewer than ${MIN_HOLDOUT_CLASS} churned or retained customers; ` +
        `trained ${maxEpochs} epochs without early stopping, probabilities corrected for the class weights only.`,
    );
  }
  const fit = await trainMlp(
    tf,
    matrix(x, fitRows.length, normalisation),
    pickFloat(labels, fitRows),
    usableHoldout
      ? { data: matrix(holdoutX, holdoutRows.length, normalisation), labels: pickFloat(labels, holdoutRows) }
      : null,
    {
      hidden: network.hidden,
      maxEpochs,
      patience: hp.patience,
      // Small data: smaller batches, so that an epoch is still a few dozen steps.
      batchSize: Math.min(hp.batchSize, Math.max(64, Math.round(fitRows.length / 50))),
      learningRate: hp.learningRate,
      l2: network.l2,
      seed: input.seed,
      classWeights,
      onEpoch: (epoch) =>
        report({
          phase,
          epoch,
          message: `epoch ${epoch.epoch}: loss ${epoch.loss.toFixed(4)}${
            epoch.holdoutAuc === null ? '' : `, hold-out AUC ${epoch.holdoutAuc.toFixed(4)}`
          }`,
        }),
    },
  );
  let calibration = priorShift(classWeights);
  if (usableHoldout) {
    const logits = mlpLogits(tf, fit.weights, matrix(holdoutX, holdoutRows.length, normalisation));
    calibration = fitPlatt(logits, pick(labels, holdoutRows));
  }
  return {
    weights: fit.weights,
    normalisation,
    calibration,
    history: fit.history,
    bestEpoch: fit.bestEpoch,
    fitRows: fitRows.length,
    holdoutRows: holdoutRows.length,
  };
}

/**
 * The saved model's global importance per reason group: mean |occlusion attribution| over an even
 * sample of the validation customers, against their own average (as scoring uses the scored
 * population's), so it summarises the same quantity the reasons rank.
 */
function featureImportanceOf(
  tf: Tf,
  fit: NetworkFit,
  table: FeatureTable,
  rows: Uint32Array,
): FeatureImportance {
  const sample = evenRows(rows.length, IMPORTANCE_SAMPLE).map((k) => rows[k] ?? 0);
  const data = matrix(encode(table, fit.normalisation, sample), sample.length, fit.normalisation);
  const groups = groupImportance(
    {
      tf,
      weights: fit.weights,
      calibration: fit.calibration,
      groups: columnsByGroup(fit.normalisation),
      baseline: columnMeans(data),
    },
    data,
  );
  return {
    method: 'mean-abs-occlusion',
    unit: 'log-odds',
    population: 'validation',
    rows: sample.length,
    groups: groups.map((g) => ({
      group: g.group,
      label: REASON_LABELS[g.group],
      importance: g.importance,
      raisesRiskShare: g.raisesRiskShare,
    })),
  };
}

/**
 * The network's size by the rows it learns from: a wide two-layer network overfits a few thousand
 * rows, so small data gets one small, strongly regularised layer.
 */
function networkFor(rows: number, hp: Hyperparameters): { hidden: number[]; l2: number; note?: string } {
  if (rows < 5_000) {
    return {
      hidden: [8],
      l2: Math.max(hp.l2, 1e-2),
      note: `only ${rows} rows to fit on: one hidden layer of 8 units, L2 ${Math.max(hp.l2, 1e-2)}.`,
    };
  }
  if (rows < 50_000) return { hidden: [16, 8], l2: Math.max(hp.l2, 1e-3) };
  return { hidden: hp.hidden, l2: hp.l2 };
}

/** Small data: fewer epochs, since each epoch is only a few batches and there is nothing to stop on. */
function smallDataEpochs(rows: number): number {
  return rows < 2_000 ? 30 : 15;
}

interface BaselineFit {
  recency: ReturnType<typeof fitLogistic>;
  rfm: ReturnType<typeof fitLogistic>;
  gbt: ReturnType<typeof fitGbt>;
}

const recencyInputs = (table: FeatureTable, rows: ArrayLike<number>) =>
  Float64Array.from({ length: rows.length }, (_, k) => Math.log1p(table.raw.recency_days[rows[k] ?? 0] ?? 0));

/** log(1 + ·) of recency, frequency, monetary total and tenure. */
function rfmInputs(table: FeatureTable, rows: ArrayLike<number>): Float64Array {
  const x = new Float64Array(rows.length * 4);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] ?? 0;
    x[k * 4] = Math.log1p(table.raw.recency_days[i] ?? 0);
    x[k * 4 + 1] = Math.log1p(table.raw.frequency[i] ?? 0);
    x[k * 4 + 2] = Math.log1p(Math.max(0, table.raw.monetary_total[i] ?? 0));
    x[k * 4 + 3] = Math.log1p(table.raw.tenure_days[i] ?? 0);
  }
  return x;
}

function fitBaselines(
  table: FeatureTable,
  rows: Uint32Array,
  input: TrainJobInput,
  normalisation: Normalisation,
) {
  const labels = table.label as Uint8Array;
  const y = pick(labels, rows);
  const recency = fitLogistic(recencyInputs(table, rows), y, 1);
  const rfm = fitLogistic(rfmInputs(table, rows), y, 4);
  // Trees on the network's own inputs, split the same way into fitting and hold-out customers.
  const random = new SeededRandom(input.seed + 1);
  const cap = input.hyperparameters.gbtMaxRows;
  const fitRows = subsample(
    rows.filter((i) => table.holdout[i] === 0),
    cap,
    random,
  );
  const holdoutRows = subsample(
    rows.filter((i) => table.holdout[i] === 1),
    Math.ceil(cap * 0.25),
    random,
  );
  const d = normalisation.columns.length;
  const gbt = fitGbt(
    { x: encode(table, normalisation, fitRows), y: pick(labels, fitRows) },
    d,
    holdoutRows.length > 0
      ? { x: encode(table, normalisation, holdoutRows), y: pick(labels, holdoutRows) }
      : null,
    { seed: input.seed },
  );
  return { recency, rfm, gbt } satisfies BaselineFit;
}

/** BG/NBD needs no labels: it is fitted on the scored snapshot's own histories (in weeks), as it is used. */
function scoreBaselines(
  fit: BaselineFit,
  table: FeatureTable,
  rows: Uint32Array,
  input: TrainJobInput,
  normalisation: Normalisation,
) {
  const horizonDays = input.horizonDays;
  const recency = predictLogistic(fit.recency, recencyInputs(table, rows), 1);
  const rfmLogistic = predictLogistic(fit.rfm, rfmInputs(table, rows), 4);
  const gbt = predictGbt(fit.gbt, encode(table, normalisation, rows), normalisation.columns.length);
  const x = new Float64Array(rows.length);
  const tx = new Float64Array(rows.length);
  const T = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] ?? 0;
    x[k] = Math.max(0, (table.raw.frequency[i] ?? 1) - 1);
    const tenure = (table.raw.tenure_days[i] ?? 0) / 7;
    T[k] = tenure;
    tx[k] = Math.max(0, tenure - (table.raw.recency_days[i] ?? 0) / 7);
  }
  const sample = subsample(
    Uint32Array.from({ length: rows.length }, (_, k) => k),
    BGNBD_SAMPLE,
    new SeededRandom(input.seed + 2),
  );
  const bg = fitBgNbd({ x: pick(x, sample), tx: pick(tx, sample), T: pick(T, sample) });
  const bgnbd = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    bgnbd[k] = bgnbdNoPurchaseProbability(bg.params, x[k] ?? 0, tx[k] ?? 0, T[k] ?? 0, horizonDays / 7);
  }
  return { recency, rfmLogistic, gbt, bgnbd, bgnbdParams: bg.params };
}

function subsample(rows: Uint32Array, max: number, random: SeededRandom): Uint32Array {
  if (rows.length <= max) return rows;
  const copy = rows.slice();
  random.shuffle(copy);
  return copy.subarray(0, max).sort();
}

function rowsOf(table: FeatureTable, predicate: (i: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < table.rows; i++) if (predicate(i)) out.push(i);
  return Uint32Array.from(out);
}

function allRowsOf(table: FeatureTable): Uint32Array {
  return rowsOf(table, () => true);
}

function count(rows: Uint32Array, predicate: (i: number) => boolean): number {
  let n = 0;
  for (const i of rows) if (predicate(i)) n++;
  return n;
}

function pick(values: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: rows.length }, (_, k) => values[rows[k] ?? 0] ?? 0);
}

function pickFloat(values: ArrayLike<number>, rows: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: rows.length }, (_, k) => values[rows[k] ?? 0] ?? 0);
}

export function matrix(x: Float32Array, rows: number, normalisation: Normalisation): Matrix {
  return { x, rows, cols: normalisation.columns.length };
}
