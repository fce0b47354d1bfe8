import type {
  EpochStats,
  FeatureImportance,
  Metrics,
  ModelCurves,
  ModelDetail,
  RocPoint,
  TrainingEvent,
} from '@retain/schemas';
import type { ChartRow, Series } from './chartData.ts';

/** The model and each baseline, in the order the comparison reads. */
export const MODEL_LABELS = {
  model: 'This model',
  gbt: 'Gradient-boosted trees',
  rfmLogistic: 'RFM logistic regression',
  bgnbd: 'BG/NBD',
  recency: 'Days since last order',
} as const;
export type ModelKey = keyof typeof MODEL_LABELS;

export interface MetricsRow {
  key: ModelKey;
  label: string;
  metrics: Metrics;
}

/** The validation metrics of the model beside its baselines, all on the same held-out snapshot. */
export function metricsRows(detail: Pick<ModelDetail, 'evaluation'>): MetricsRow[] {
  const { validation, baselines } = detail.evaluation;
  return [
    { key: 'model', label: MODEL_LABELS.model, metrics: validation },
    { key: 'gbt', label: MODEL_LABELS.gbt, metrics: baselines.gbt },
    { key: 'rfmLogistic', label: MODEL_LABELS.rfmLogistic, metrics: baselines.rfmLogistic },
    { key: 'bgnbd', label: MODEL_LABELS.bgnbd, metrics: baselines.bgnbd },
    { key: 'recency', label: MODEL_LABELS.recency, metrics: baselines.recency },
  ];
}

/** Lift at the top 5 %, 10 % and 20 % of customers by score, one column per model. */
export function liftChart(rows: readonly MetricsRow[]): ChartRow[] {
  const cuts = rows[0]?.metrics.lift.map((p) => p.top) ?? [];
  return cuts.map((top) => {
    const row: ChartRow = { top: `top ${Math.round(top * 100)} %` };
    for (const r of rows) row[r.key] = r.metrics.lift.find((p) => p.top === top)?.lift ?? null;
    return row;
  });
}

/** Predicted against observed churn per probability bin; `ideal` is the diagonal. */
export function calibrationChart(metrics: Metrics): ChartRow[] {
  return metrics.calibration
    .filter((b) => b.count > 0 && b.meanPredicted !== null)
    .map((b) => ({
      predicted: b.meanPredicted,
      observed: b.observedRate,
      ideal: b.meanPredicted,
      count: b.count,
    }));
}

/** Loss and hold-out AUC per epoch, from a stored history or from live training events. */
export function epochChart(epochs: readonly Pick<EpochStats, 'epoch' | 'loss' | 'holdoutAuc'>[]): ChartRow[] {
  return epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, holdoutAuc: e.holdoutAuc }));
}

/**
 * Live events → one point per epoch (the latest event of each epoch wins), of the latest fit only:
 * a run fits twice (on the training snapshots, then on all of them), each from epoch 1, and the
 * two drawn as one line would double back.
 */
export function epochsFromEvents(
  events: readonly TrainingEvent[],
): { epoch: number; loss: number; holdoutAuc: number | null; phase: string }[] {
  const byKey = new Map<string, { epoch: number; loss: number; holdoutAuc: number | null; phase: string }>();
  let latestPhase: string | null = null;
  for (const e of events)
    if (e.epoch !== undefined && e.loss !== undefined) {
      latestPhase = e.phase;
      byKey.set(`${e.phase}:${e.epoch}`, {
        epoch: e.epoch,
        loss: e.loss,
        holdoutAuc: e.holdoutAuc ?? null,
        phase: e.phase,
      });
    }
  return [...byKey.values()].filter((p) => p.phase === latestPhase);
}

export const PHASE_LABELS: Record<TrainingEvent['phase'], string> = {
  features: 'Computing features',
  'validation-fit': 'Fitting on the training snapshots',
  baselines: 'Fitting the baselines',
  'final-fit': 'Refitting on all snapshots',
  scoring: 'Scoring customers',
  saving: 'Saving the model',
  done: 'Done',
  failed: 'Failed',
};

/** The false-positive rates the ROC chart is drawn at: 0, 0.02, …, 1. */
const ROC_GRID = Array.from({ length: 51 }, (_, i) => i / 50);

/**
 * The true-positive rate of a ROC curve at false-positive rate `x`, joining its points with straight
 * lines (the rates reachable by mixing two neighbouring thresholds). Where the curve rises straight
 * up at `x` (ties), the top of the rise.
 */
export function tprAt(points: readonly RocPoint[], x: number): number | null {
  const sorted = [...points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
  let left: RocPoint | undefined;
  let right: RocPoint | undefined;
  for (const p of sorted) {
    if (p.fpr <= x) left = p;
    else {
      right = p;
      break;
    }
  }
  if (!left) return right && right.fpr === 0 ? right.tpr : null;
  if (!right || left.fpr === x) return left.tpr;
  return left.tpr + ((right.tpr - left.tpr) * (x - left.fpr)) / (right.fpr - left.fpr);
}

/**
 * ROC curves of the model and its baselines on one grid of false-positive rates, with `chance`,
 * the diagonal a random ranking follows. Series are labelled with their AUC.
 */
export function rocChart(
  curves: ModelCurves,
  rows: readonly MetricsRow[],
): { data: ChartRow[]; series: Series[] } {
  const present = rows.filter((r) => curves[r.key].roc.length > 0);
  const data = ROC_GRID.map((fpr) => {
    const row: ChartRow = { fpr };
    for (const r of present) row[r.key] = tprAt(curves[r.key].roc, fpr);
    row.chance = fpr;
    return row;
  });
  const auc = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  // Each model keeps its colour of the other charts (lift), whichever curves are missing.
  const series: Series[] = present.map((r) => ({
    key: r.key,
    label: r.metrics.auc === null ? r.label : `${r.label} (AUC ${auc.format(r.metrics.auc)})`,
    color: `var(--series-${rows.indexOf(r) + 1})`,
  }));
  series.push({ key: 'chance', label: 'Chance', color: 'var(--muted)', dashed: true });
  return { data, series };
}

/** The reason groups by how much they move the predicted risk, most first. */
export function importanceChart(importance: FeatureImportance): ChartRow[] {
  return [...importance.groups]
    .sort((a, b) => b.importance - a.importance)
    .map((g) => ({
      group: g.label,
      code: g.group,
      importance: g.importance,
      raisesRiskShare: g.raisesRiskShare,
    }));
}
