import type { EpochStats, Metrics, ModelDetail, TrainingEvent } from '@retain/schemas';
import type { ChartRow } from './chartData.ts';

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

/** Live events → one point per epoch (the latest event of each epoch wins). */
export function epochsFromEvents(
  events: readonly TrainingEvent[],
): { epoch: number; loss: number; holdoutAuc: number | null; phase: string }[] {
  const byKey = new Map<string, { epoch: number; loss: number; holdoutAuc: number | null; phase: string }>();
  for (const e of events)
    if (e.epoch !== undefined && e.loss !== undefined)
      byKey.set(`${e.phase}:${e.epoch}`, {
        epoch: e.epoch,
        loss: e.loss,
        holdoutAuc: e.holdoutAuc ?? null,
        phase: e.phase,
      });
  return [...byKey.values()];
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
