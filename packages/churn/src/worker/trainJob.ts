import type {
  BaselineMetrics,
  Candidate,
  CandidateName,
  FeatureImportance,
  Metrics,
  ModelCurves,
  Selection,
} from '@retain/schemas';
import { type BackendName, loadBackend, type Tf } from '../backend.ts';
import type { BgNbdParams } from '../baselines/bgnbd.ts';
import { type GbtJson, gbtToJson } from '../baselines/gbt.ts';
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
import type { EpochStats } from '../model/mlp.ts';
import { type TfjsModelJson, toTfjsFiles } from '../model/tfjsFormat.ts';
import { SeededRandom } from '../random.ts';
import { fitBgnbdOn } from '../scorers/bgnbdComponent.ts';
import { compileScorer } from '../scorers/compileScorer.ts';
import {
  CANDIDATE_INPUTS,
  CANDIDATE_NAMES,
  type Component,
  componentsOf,
  META_INPUTS,
  type MetaInput,
  type ScorerSpec,
} from '../scorers/scorerSpec.ts';
import { type Combiner, combinedLogit } from '../selection/combiner.ts';
import {
  type JudgedCandidate,
  type Judgement,
  judgeCandidates,
  type PooledRows,
  selectScorer,
} from '../selection/selectScorer.ts';
import {
  DEFAULT_HYPERPARAMETERS,
  type FitContext,
  type FittedParts,
  fitParts,
  type Hyperparameters,
  matrix,
  partSpecs,
  partsScorer,
  pick,
  rowsOf,
  subsample,
} from '../training/fitParts.ts';

export { DEFAULT_HYPERPARAMETERS, type Hyperparameters };

export interface TrainJobInput {
  /** Labelled rows: snapshot 0 is T − H, 1 … the older snapshots (T − 2H, …). */
  table: FeatureTable;
  /** Each snapshot's date (YYYY-MM-DD), by snapshot index. */
  snapshotDates: string[];
  /** Rolling origins: snapshots 0 … origins − 1 are each judged by learners fitted on the older ones. */
  origins: number;
  horizonDays: number;
  seed: number;
  seasonal: boolean;
  /** Snapshot-0 rows with sampleU below this join the final fit (the older snapshots' rate). */
  finalRate: number;
  hyperparameters: Hyperparameters;
  backendOrder?: BackendName[];
  /** Benchmarks: also fit every candidate on all labelled snapshots and score these rows. */
  candidatesAt?: FeatureTable;
}

export type TrainPhase = 'validation-fit' | 'baselines' | 'final-fit';

export interface TrainProgress {
  phase: TrainPhase;
  message: string;
  epoch?: EpochStats;
  /** Which of the run's network fits this is: the rolling origins' 1 … n, then the final one. */
  fit?: { index: number; count: number };
}

/** A rolling origin by snapshot index. */
export interface OriginResult {
  snapshot: number;
  rows: number;
  churnRate: number;
  trainingRows: number;
  trainingSnapshots: number[];
}

export interface TrainJobOutput {
  backend: string;
  /** The selected scorer's pooled out-of-time metrics. */
  validation: Metrics;
  baselines: BaselineMetrics;
  candidates: Candidate[];
  selection: Selection;
  origins: OriginResult[];
  /** ROC and PR curves of the selected scorer (`model`) and every candidate on the pooled rows. */
  curves: ModelCurves;
  featureImportance: FeatureImportance;
  history: { validationFit: EpochStats[]; finalFit: EpochStats[] };
  epochs: { validationFit: number; finalFit: number };
  rows: { training: number; holdout: number; validation: number; final: number; finalHoldout: number };
  normalisation: Normalisation;
  scorer: ScorerSpec;
  /** The network's files, when the scorer reads the network. */
  network?: { modelJson: TfjsModelJson; weightsBin: Uint8Array };
  /** The trees, when the scorer reads them. */
  gbt?: GbtJson;
  notes: string[];
  /** With candidatesAt: every candidate's probability for each of its rows, and the peers' own. */
  scoresAt?: {
    candidates: Record<CandidateName, Float64Array>;
    peers: { recency: Float64Array; rfmLogistic: Float64Array; bgnbd: Float64Array; gbt: Float64Array };
  };
}

/** Validation customers the global feature importance is averaged over at most (an even sample). */
const IMPORTANCE_SAMPLE = 20_000;

/** The parts that learn from labels. */
const LABELLED_PARTS: ReadonlySet<Component> = new Set(['network', 'gbt', 'rfmLogistic', 'recency']);

/**
 * The CPU-heavy half of training, run in a worker thread. At each rolling origin (T − H, T − 2H, …)
 * every part that learns from labels is fitted on the older snapshots only, BG/NBD on the origin's own
 * histories, and all of them score the origin's customers; the candidates (each part alone, and the
 * stack that combines them) are judged on those out-of-time rows pooled, the best is selected, and
 * what it needs is refitted on all labelled snapshots for the version that is saved.
 */
export async function runTrainJob(
  input: TrainJobInput,
  report: (p: TrainProgress) => void,
): Promise<TrainJobOutput> {
  const { tf, backend } = await loadBackend(input.backendOrder);
  const { table, seed, horizonDays } = input;
  const notes: string[] = [];
  const labels = table.label;
  if (!labels) throw new Error('training rows need labels');
  const hp = input.hyperparameters;
  const snapshotCount = input.snapshotDates.length;
  const originCount = Math.max(0, Math.min(input.origins, snapshotCount - 1));
  let fit = { index: 0, count: originCount + 1 };
  const context: FitContext = {
    tf,
    table,
    seed,
    seasonal: input.seasonal,
    hyperparameters: hp,
    notes,
    onEpoch: (phase, epoch) =>
      report({
        phase,
        epoch,
        fit,
        message: `epoch ${epoch.epoch}: loss ${epoch.loss.toFixed(4)}${
          epoch.holdoutAuc === null ? '' : `, hold-out AUC ${epoch.holdoutAuc.toFixed(4)}`
        }`,
      }),
  };

  // Rolling origins: fit on what lies strictly before each, score it.
  const pooledRows: Uint32Array[] = [];
  const pooledOutputs: Record<MetaInput, Float64Array>[] = [];
  const origins: OriginResult[] = [];
  let newest: { fitted: FittedParts; bgnbd: BgNbdParams } | null = null;
  for (let k = 0; k < originCount; k++) {
    fit = { index: k + 1, count: originCount + 1 };
    const older = rowsOf(table, (i) => (table.snapshot[i] ?? 0) > k);
    const training = subsample(older, hp.originMaxRows, new SeededRandom(seed + 10 + k));
    const judged = subsample(
      rowsOf(table, (i) => table.snapshot[i] === k),
      hp.originMaxJudged,
      new SeededRandom(seed + 20 + k),
    );
    const date = input.snapshotDates[k] ?? '';
    if (!bothClasses(labels, training) || !bothClasses(labels, judged)) {
      notes.push(
        `Out-of-time snapshot ${date} left out: its customers or those of the snapshots before it all churned, or none did.`,
      );
      continue;
    }
    report({
      phase: 'validation-fit',
      fit,
      message: `out-of-time snapshot ${date} (${k + 1} of ${originCount}): fitting on ${training.length} rows of the ${snapshotCount - k - 1} snapshots before it`,
    });
    const fitted = await fitParts(context, training, 'validation-fit', LABELLED_PARTS);
    const bgnbd = fitBgnbdOn(table, judged, seed);
    const scorer = partsScorer(fitted, META_INPUTS, horizonDays, tf, bgnbd);
    pooledOutputs.push(scorer.outputs(encode(table, fitted.normalisation, judged), judged.length));
    pooledRows.push(judged);
    origins.push({
      snapshot: k,
      rows: judged.length,
      churnRate: mean(pick(labels, judged)),
      trainingRows: training.length,
      trainingSnapshots: Array.from({ length: snapshotCount - k - 1 }, (_, j) => k + 1 + j),
    });
    newest ??= { fitted, bgnbd };
  }

  const validationRows = rowsOf(table, (i) => table.snapshot[i] === 0);
  const newestBgnbd = newest?.bgnbd ?? fitBgnbdOn(table, validationRows, seed);
  let judgement: Judgement;
  let selection: ReturnType<typeof selectScorer>;
  let pooled: PooledRows;
  if (pooledRows.length > 0) {
    pooled = pool(table, pooledRows, pooledOutputs);
    report({
      phase: 'baselines',
      message: `comparing ${CANDIDATE_NAMES.length} candidates on ${pooled.labels.length} customers of ${origins.length} out-of-time snapshots`,
    });
    judgement = judgeCandidates(pooled, CANDIDATE_NAMES);
    selection = selectScorer(
      judgement,
      origins.map((o) => input.snapshotDates[o.snapshot] ?? ''),
    );
  } else {
    // Nothing to learn from or to judge on: BG/NBD, which needs no labels, scores as it is.
    notes.push(
      'No snapshot has both churned and retained customers, so no scorer could learn or be compared: ' +
        'BG/NBD scores the customers with its own probabilities.',
    );
    pooled = bgnbdOnly(table, validationRows, newestBgnbd, horizonDays);
    judgement = judgeCandidates(pooled, ['bgnbd']);
    for (const c of judgement.candidates) c.combiner = { intercept: 0, weights: [1] };
    selection = selectScorer(judgement, [input.snapshotDates[0] ?? '']);
  }
  const judged = judgement.candidates;
  const selected = selection.candidate;

  // The version that is saved: the selected candidate's parts refitted on every labelled snapshot.
  fit = { index: originCount + 1, count: originCount + 1 };
  const inputs = CANDIDATE_INPUTS[selected.name];
  const needed = new Set(
    (input.candidatesAt ? [...LABELLED_PARTS] : componentsOf({ inputs: [...inputs] })).filter((c) =>
      LABELLED_PARTS.has(c),
    ),
  );
  const finalRows = rowsOf(
    table,
    (i) => (table.snapshot[i] ?? 0) > 0 || (table.sampleU[i] ?? 1) < input.finalRate,
  );
  report({
    phase: 'final-fit',
    fit,
    message:
      needed.size > 0
        ? `refitting the ${selected.label.toLowerCase()} on ${finalRows.length} rows of all labelled snapshots`
        : `${selected.label} needs no refit: it is fitted on the customers it scores`,
  });
  const final =
    needed.size > 0
      ? await fitParts(context, finalRows, 'final-fit', needed)
      : { normalisation: fitNormalisation(table, finalRows, input.seasonal) };
  const combiner: Combiner = selected.combiner ?? { intercept: 0, weights: inputs.map(() => 1) };
  const scorer: ScorerSpec = {
    name: selected.name,
    inputs: [...inputs],
    intercept: combiner.intercept,
    weights: combiner.weights,
    ...partSpecs(final, inputs, horizonDays, seed),
  };

  const featureImportance = importanceOf(tf, scorer, final, table, validationRows, newestBgnbd);
  const files = scorer.network && final.network ? await toTfjsFiles(tf, final.network.weights) : undefined;

  let scoresAt: TrainJobOutput['scoresAt'];
  if (input.candidatesAt) {
    report({ phase: 'baselines', message: 'scoring every candidate at the as-of date' });
    scoresAt = scoreCandidatesAt(tf, input.candidatesAt, final, judged, horizonDays, seed);
  }

  const byName = new Map(judged.map((c) => [c.name, c]));
  const metricsOf = (name: CandidateName): Metrics => byName.get(name)?.metrics ?? selected.metrics;
  const curvesOf = (name: CandidateName) => byName.get(name)?.curves ?? selected.curves;
  const newestNetwork = newest?.fitted.network;
  return {
    backend,
    validation: selected.metrics,
    baselines: {
      recency: metricsOf('recency'),
      rfmLogistic: metricsOf('rfmLogistic'),
      bgnbd: { ...metricsOf('bgnbd'), params: { ...newestBgnbd, unit: 'weeks' } },
      gbt: { ...metricsOf('gbt'), trees: newest?.fitted.gbt?.trees.length ?? 0 },
    },
    candidates: judged.map(({ probability: _p, curves: _c, combiner: _m, ...candidate }) => candidate),
    selection: withoutCandidate(selection),
    origins,
    curves: {
      model: selected.curves,
      recency: curvesOf('recency'),
      rfmLogistic: curvesOf('rfmLogistic'),
      bgnbd: curvesOf('bgnbd'),
      gbt: curvesOf('gbt'),
      ...(byName.has('network') ? { network: curvesOf('network') } : {}),
      ...(byName.has('stack') ? { stack: curvesOf('stack') } : {}),
    },
    featureImportance,
    history: { validationFit: newestNetwork?.history ?? [], finalFit: final.network?.history ?? [] },
    epochs: { validationFit: newestNetwork?.bestEpoch ?? 0, finalFit: final.network?.bestEpoch ?? 0 },
    rows: {
      training: newestNetwork?.fitRows ?? 0,
      holdout: newestNetwork?.holdoutRows ?? 0,
      validation: pooled.labels.length,
      final: final.network?.fitRows ?? finalRows.length,
      finalHoldout: final.network?.holdoutRows ?? 0,
    },
    normalisation: final.normalisation,
    scorer,
    ...(files ? { network: files } : {}),
    ...(scorer.gbt && final.gbt ? { gbt: gbtToJson(final.gbt) } : {}),
    notes,
    ...(scoresAt ? { scoresAt } : {}),
  };
}

function withoutCandidate({ candidate: _c, ...selection }: ReturnType<typeof selectScorer>): Selection {
  return selection;
}

function bothClasses(labels: Uint8Array, rows: Uint32Array): boolean {
  let positives = 0;
  for (const i of rows) positives += labels[i] ?? 0;
  return positives > 0 && positives < rows.length;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

/** The origins' rows and outputs end to end. */
function pool(
  table: FeatureTable,
  rows: readonly Uint32Array[],
  outputs: readonly Record<MetaInput, Float64Array>[],
): PooledRows {
  const n = rows.reduce((sum, r) => sum + r.length, 0);
  const labels = new Uint8Array(n);
  const folds = new Uint8Array(n);
  const customers = new Int32Array(n);
  const pooled = Object.fromEntries(META_INPUTS.map((m) => [m, new Float64Array(n)])) as Record<
    MetaInput,
    Float64Array
  >;
  let at = 0;
  rows.forEach((r, k) => {
    for (const m of META_INPUTS) pooled[m].set(outputs[k]?.[m] ?? new Float64Array(r.length), at);
    r.forEach((i, j) => {
      labels[at + j] = table.label?.[i] ?? 0;
      folds[at + j] = table.fold[i] ?? 0;
      customers[at + j] = table.customer[i] ?? 0;
    });
    at += r.length;
  });
  return { labels, folds, customers, outputs: pooled };
}

/** The validation snapshot scored by BG/NBD alone (when nothing could be learned). */
function bgnbdOnly(
  table: FeatureTable,
  rows: Uint32Array,
  params: BgNbdParams,
  horizonDays: number,
): PooledRows {
  // Only BG/NBD scores, but it reads the standardised inputs as every scorer does.
  const normalisation = fitNormalisation(table, rows, false);
  const scorer = compileScorer(
    {
      name: 'bgnbd',
      inputs: ['bgnbd'],
      intercept: 0,
      weights: [1],
      bgnbd: { horizonWeeks: horizonDays / 7, sample: 0, seed: 0 },
    },
    { normalisation, bgnbd: params },
  );
  const out = scorer.outputs(encode(table, normalisation, rows), rows.length);
  const zeros = new Float64Array(rows.length);
  return {
    labels: Uint8Array.from(rows, (i) => table.label?.[i] ?? 0),
    folds: Uint8Array.from(rows, (i) => table.fold[i] ?? 0),
    customers: Int32Array.from(rows, (i) => table.customer[i] ?? 0),
    outputs: Object.fromEntries(META_INPUTS.map((m) => [m, out[m] ?? zeros])) as Record<
      MetaInput,
      Float64Array
    >,
  };
}

/**
 * The saved scorer's global importance per reason group: mean |occlusion attribution| over an even
 * sample of the validation customers, against their own average (as scoring uses the scored
 * population's), so it summarises the same quantity the reasons rank, for whatever scorer is active.
 */
function importanceOf(
  tf: Tf,
  spec: ScorerSpec,
  fitted: FittedParts,
  table: FeatureTable,
  rows: Uint32Array,
  bgnbd: BgNbdParams,
): FeatureImportance {
  const sample = evenRows(rows.length, IMPORTANCE_SAMPLE).map((k) => rows[k] ?? 0);
  const normalisation = fitted.normalisation;
  const data = matrix(encode(table, normalisation, sample), sample.length, normalisation);
  const scorer = compileScorer(spec, {
    normalisation,
    tf,
    ...(fitted.network ? { network: fitted.network.weights } : {}),
    ...(fitted.gbt ? { gbt: fitted.gbt } : {}),
    bgnbd,
  });
  const groups = groupImportance(
    { scorer, groups: columnsByGroup(normalisation), baseline: columnMeans(data) },
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

/** Every candidate (as it would ship) and every peer (as fitted) on the rows at the as-of date. */
function scoreCandidatesAt(
  tf: Tf,
  at: FeatureTable,
  final: FittedParts,
  judged: readonly JudgedCandidate[],
  horizonDays: number,
  seed: number,
): NonNullable<TrainJobOutput['scoresAt']> {
  const rows = rowsOf(at, () => true);
  const bgnbd = fitBgnbdOn(at, rows, seed);
  const scorer = partsScorer(final, META_INPUTS, horizonDays, tf, bgnbd);
  const outputs = scorer.outputs(encode(at, final.normalisation, rows), rows.length);
  const sigmoid = (values: Float64Array) => values.map((z) => 1 / (1 + Math.exp(-z)));
  const candidates = {} as Record<CandidateName, Float64Array>;
  for (const c of judged) {
    const inputs = CANDIDATE_INPUTS[c.name].map((m) => outputs[m]);
    const combiner = c.combiner ?? { intercept: 0, weights: inputs.map(() => 1) };
    candidates[c.name] = Float64Array.from(
      rows,
      (_, i) => 1 / (1 + Math.exp(-combinedLogit(combiner, inputs, i))),
    );
  }
  return {
    candidates,
    peers: {
      recency: sigmoid(outputs.recency),
      rfmLogistic: sigmoid(outputs.rfmLogistic),
      bgnbd: sigmoid(outputs.bgnbd),
      gbt: sigmoid(outputs.gbt),
    },
  };
}
