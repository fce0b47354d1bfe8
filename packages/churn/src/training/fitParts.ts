import type { Tf } from '../backend.ts';
import type { BgNbdParams } from '../baselines/bgnbd.ts';
import { fitGbt, type GbtModel } from '../baselines/gbt.ts';
import { fitLogistic } from '../baselines/logistic.ts';
import { encode, fitNormalisation, type Normalisation } from '../features/encode.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import { type EpochStats, type Matrix, type MlpWeights, mlpLogits, trainMlp } from '../model/mlp.ts';
import { type Calibration, fitPlatt, priorShift } from '../model/platt.ts';
import { SeededRandom } from '../random.ts';
import { BGNBD_SAMPLE } from '../scorers/bgnbdComponent.ts';
import { type CompiledScorer, compileScorer } from '../scorers/compileScorer.ts';
import {
  type Component,
  componentOf,
  type LogLinear,
  type MetaInput,
  type ScorerSpec,
} from '../scorers/scorerSpec.ts';

export interface Hyperparameters {
  hidden: number[];
  maxEpochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  /** Rows the gradient-boosted trees train on at most. */
  gbtMaxRows: number;
  /** Labelled rows each rolling origin's learners are fitted on at most (a seeded sample). */
  originMaxRows: number;
  /** Customers judged at each rolling origin at most (a seeded sample): enough for AUCs to ±0.003. */
  originMaxJudged: number;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  hidden: [32, 16],
  maxEpochs: 40,
  patience: 4,
  batchSize: 1024,
  learningRate: 0.003,
  l2: 1e-5,
  gbtMaxRows: 60_000,
  originMaxRows: 100_000,
  originMaxJudged: 100_000,
};

export type FitPhase = 'validation-fit' | 'final-fit';

export interface FitContext {
  tf: Tf;
  table: FeatureTable;
  seed: number;
  seasonal: boolean;
  hyperparameters: Hyperparameters;
  notes: string[];
  onEpoch: (phase: FitPhase, epoch: EpochStats) => void;
}

export interface NetworkFit {
  weights: MlpWeights;
  calibration: Calibration;
  history: EpochStats[];
  bestEpoch: number;
  fitRows: number;
  holdoutRows: number;
}

/** The label-using parts fitted on one set of rows, on one standardisation of the inputs. */
export interface FittedParts {
  normalisation: Normalisation;
  network?: NetworkFit;
  gbt?: GbtModel;
  rfmLogistic?: LogLinear;
  recency?: LogLinear;
}

/** Fewer hold-out rows of either class than this and early stopping / Platt scaling are not trusted. */
const MIN_HOLDOUT_CLASS = 10;

/** The RFM baseline's inputs, each as ln(1 + ·): days since the last order, orders, spend, tenure. */
export const RFM_COLUMNS = ['recency_days', 'frequency', 'monetary_total', 'tenure_days'] as const;

/**
 * Fits the parts that learn from labels (network, trees, the two logistic baselines; BG/NBD needs no
 * labels and is fitted where it scores) on `rows`, all on one standardisation of the inputs fitted
 * on the rows' fitting slice.
 */
export async function fitParts(
  context: FitContext,
  rows: Uint32Array,
  phase: FitPhase,
  parts: ReadonlySet<Component>,
): Promise<FittedParts> {
  const { table } = context;
  const fitting = rows.filter((i) => table.holdout[i] === 0);
  const normalisation = fitNormalisation(table, fitting.length > 0 ? fitting : rows, context.seasonal);
  const out: FittedParts = { normalisation };
  if (parts.has('network')) out.network = await fitNetwork(context, rows, normalisation, phase);
  if (parts.has('gbt')) out.gbt = fitTrees(context, rows, normalisation);
  const labels = context.table.label as Uint8Array;
  const y = pick(labels, rows);
  const logLinear = (columns: readonly string[]): LogLinear => {
    const x = new Float64Array(rows.length * columns.length);
    const sources = columns.map((c) => table.raw[c as keyof FeatureTable['raw']]);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k] ?? 0;
      sources.forEach((source, j) => {
        x[k * columns.length + j] = Math.log1p(Math.max(0, source[i] ?? 0));
      });
    }
    return { columns: [...columns], coefficients: fitLogistic(x, y, columns.length).coefficients };
  };
  if (parts.has('rfmLogistic')) out.rfmLogistic = logLinear(RFM_COLUMNS);
  if (parts.has('recency')) out.recency = logLinear(['recency_days']);
  return out;
}

/**
 * A scorer that exposes every fitted part's outputs (its combination is irrelevant): what the
 * rolling origins record for the candidates, and what the benchmark scores its peers with.
 */
export function partsScorer(
  fitted: FittedParts,
  inputs: readonly MetaInput[],
  horizonDays: number,
  tf: Tf,
  bgnbd?: BgNbdParams,
): CompiledScorer {
  const spec: ScorerSpec = {
    name: 'stack',
    inputs: [...inputs],
    intercept: 0,
    weights: inputs.map(() => 0),
    ...partSpecs(fitted, inputs, horizonDays),
  };
  return compileScorer(spec, {
    normalisation: fitted.normalisation,
    tf,
    ...(fitted.network ? { network: fitted.network.weights } : {}),
    ...(fitted.gbt ? { gbt: fitted.gbt } : {}),
    ...(bgnbd ? { bgnbd } : {}),
  });
}

/** The spec entries of the parts that `inputs` read. */
export function partSpecs(
  fitted: FittedParts,
  inputs: readonly MetaInput[],
  horizonDays: number,
  seed = 0,
): Partial<ScorerSpec> {
  const used = new Set(inputs.map(componentOf));
  return {
    ...(used.has('network') && fitted.network
      ? { network: { calibration: fitted.network.calibration } }
      : {}),
    ...(used.has('gbt') && fitted.gbt ? { gbt: { trees: fitted.gbt.trees.length } } : {}),
    ...(used.has('rfmLogistic') && fitted.rfmLogistic ? { rfmLogistic: fitted.rfmLogistic } : {}),
    ...(used.has('recency') && fitted.recency ? { recency: fitted.recency } : {}),
    ...(used.has('bgnbd') ? { bgnbd: { horizonWeeks: horizonDays / 7, sample: BGNBD_SAMPLE, seed } } : {}),
  };
}

async function fitNetwork(
  context: FitContext,
  rows: Uint32Array,
  normalisation: Normalisation,
  phase: FitPhase,
): Promise<NetworkFit> {
  const { tf, table, notes } = context;
  const labels = table.label as Uint8Array;
  const hp = context.hyperparameters;
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
  const network = networkFor(fitRows.length, hp);
  if (network.note) addNote(notes, `${phaseName(phase)}: ${network.note}`);
  const x = encode(table, normalisation, fitRows);
  const holdoutX = encode(table, normalisation, holdoutRows);
  const maxEpochs = usableHoldout ? hp.maxEpochs : Math.min(hp.maxEpochs, smallDataEpochs(fitRows.length));
  if (!usableHoldout) {
    addNote(
      notes,
      `${phaseName(phase)}: the held-out slice has fewer than ${MIN_HOLDOUT_CLASS} churned or retained customers; ` +
        `the network trained ${maxEpochs} epochs without early stopping, probabilities corrected for the class weights only.`,
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
      seed: context.seed,
      classWeights,
      onEpoch: (epoch) => context.onEpoch(phase, epoch),
    },
  );
  let calibration = priorShift(classWeights);
  if (usableHoldout) {
    const logits = mlpLogits(tf, fit.weights, matrix(holdoutX, holdoutRows.length, normalisation));
    calibration = fitPlatt(logits, pick(labels, holdoutRows));
  }
  return {
    weights: fit.weights,
    calibration,
    history: fit.history,
    bestEpoch: fit.bestEpoch,
    fitRows: fitRows.length,
    holdoutRows: holdoutRows.length,
  };
}

const phaseName = (phase: FitPhase) => (phase === 'final-fit' ? 'final fit' : 'out-of-time fits');

/** The same note from several fits is said once. */
function addNote(notes: string[], note: string): void {
  if (!notes.includes(note)) notes.push(note);
}

/** Trees on the network's own inputs, split the same way into fitting and hold-out customers. */
function fitTrees(context: FitContext, rows: Uint32Array, normalisation: Normalisation): GbtModel {
  const { table } = context;
  const labels = table.label as Uint8Array;
  const random = new SeededRandom(context.seed + 1);
  const cap = context.hyperparameters.gbtMaxRows;
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
  return fitGbt(
    { x: encode(table, normalisation, fitRows), y: pick(labels, fitRows) },
    d,
    holdoutRows.length > 0
      ? { x: encode(table, normalisation, holdoutRows), y: pick(labels, holdoutRows) }
      : null,
    { seed: context.seed },
  );
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
      note: `only ${rows} rows to fit the network on: one hidden layer of 8 units, L2 ${Math.max(hp.l2, 1e-2)}.`,
    };
  }
  if (rows < 50_000) return { hidden: [16, 8], l2: Math.max(hp.l2, 1e-3) };
  return { hidden: hp.hidden, l2: hp.l2 };
}

/** Small data: fewer epochs, since each epoch is only a few batches and there is nothing to stop on. */
function smallDataEpochs(rows: number): number {
  return rows < 2_000 ? 30 : 15;
}

export function subsample(rows: Uint32Array, max: number, random: SeededRandom): Uint32Array {
  if (rows.length <= max) return rows;
  const copy = rows.slice();
  random.shuffle(copy);
  return copy.subarray(0, max).sort();
}

export function rowsOf(table: FeatureTable, predicate: (i: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < table.rows; i++) if (predicate(i)) out.push(i);
  return Uint32Array.from(out);
}

export function count(rows: Uint32Array, predicate: (i: number) => boolean): number {
  let n = 0;
  for (const i of rows) if (predicate(i)) n++;
  return n;
}

export function pick(values: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: rows.length }, (_, k) => values[rows[k] ?? 0] ?? 0);
}

function pickFloat(values: ArrayLike<number>, rows: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: rows.length }, (_, k) => values[rows[k] ?? 0] ?? 0);
}

export function matrix(x: Float32Array, rows: number, normalisation: Normalisation): Matrix {
  return { x, rows, cols: normalisation.columns.length };
}
