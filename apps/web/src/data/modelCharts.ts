import {
  CANDIDATE_LABELS,
  type EpochStats,
  type FeatureImportance,
  type Interval,
  type Metrics,
  type ModelCurves,
  type ModelDetail,
  type RocPoint,
  type TrainingEvent,
} from '@retain/schemas';
import type { ChartRow, Series } from './chartData.ts';

/**
 * Every scorer a version can show, in the order the comparison reads: `model` is the network of
 * versions trained before candidates were compared; the others are the candidates.
 */
export const MODEL_LABELS = {
  model: 'This model',
  stack: CANDIDATE_LABELS.stack,
  network: CANDIDATE_LABELS.network,
  gbt: CANDIDATE_LABELS.gbt,
  rfmLogistic: CANDIDATE_LABELS.rfmLogistic,
  bgnbd: CANDIDATE_LABELS.bgnbd,
  recency: CANDIDATE_LABELS.recency,
} as const;
export type ModelKey = keyof typeof MODEL_LABELS;

/** Each scorer keeps one colour in every chart, whichever of them a version has. */
export function seriesColor(key: ModelKey): string {
  return `var(--series-${Object.keys(MODEL_LABELS).indexOf(key) + 1})`;
}

export interface MetricsRow {
  key: ModelKey;
  label: string;
  metrics: Metrics;
  /** The scorer that scores the customers. */
  active: boolean;
  /** Learned from churn labels; null for versions before the comparison. */
  learned: boolean | null;
  /** 95 % intervals (null for versions before the comparison). */
  auc: Interval | null;
  prAuc: Interval | null;
  brier: Interval | null;
  /** AUC minus the active scorer's, with the standard error of that difference. */
  versusActive: { difference: number; se: number } | null;
}

/**
 * Every candidate's pooled out-of-time metrics, the active scorer first, then by AUC. Versions
 * trained before candidates were compared: the network and its baselines on one validation snapshot.
 */
export function metricsRows(detail: Pick<ModelDetail, 'evaluation'>): MetricsRow[] {
  const { validation, baselines, candidates, selection } = detail.evaluation;
  if (candidates && selection) {
    return candidates
      .map((c) => ({
        key: c.name,
        label: c.label,
        metrics: c.metrics,
        active: c.name === selection.name,
        learned: c.learned,
        auc: c.auc,
        prAuc: c.prAuc,
        brier: c.brier,
        versusActive: c.versusSelected,
      }))
      .sort((a, b) => Number(b.active) - Number(a.active) || (b.metrics.auc ?? 0) - (a.metrics.auc ?? 0));
  }
  const legacy = (key: ModelKey, metrics: Metrics): MetricsRow => ({
    key,
    label: MODEL_LABELS[key],
    metrics,
    active: key === 'model',
    learned: null,
    auc: null,
    prAuc: null,
    brier: null,
    versusActive: null,
  });
  return [
    legacy('model', validation),
    legacy('gbt', baselines.gbt),
    legacy('rfmLogistic', baselines.rfmLogistic),
    legacy('bgnbd', baselines.bgnbd),
    legacy('recency', baselines.recency),
  ];
}

/** Which scorer is active and why, in one sentence, and a warning when the data is too small to tell. */
export function selectionSummary(detail: Pick<ModelDetail, 'evaluation'>): {
  active: string;
  sentence: string;
  warning: string | null;
} {
  const { selection, snapshots } = detail.evaluation;
  if (selection) return { active: selection.label, sentence: selection.reason, warning: selection.warning };
  return {
    active: CANDIDATE_LABELS.network,
    sentence:
      `This version was trained before Retain compared candidate scorers: its neural network scores the ` +
      `customers, checked against the baselines on one snapshot (${snapshots.validation}).`,
    warning: null,
  };
}

const threeDigits = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** "0.849 (0.846–0.852)": a figure and its 95 % interval; the figure alone where there is none. */
export function intervalText(value: number | null, interval: Interval | null): string {
  if (value === null) return '—';
  if (!interval || interval.lower === null || interval.upper === null) return threeDigits.format(value);
  return `${threeDigits.format(value)} (${threeDigits.format(interval.lower)}–${threeDigits.format(interval.upper)})`;
}

/** "−0.004 ± 0.002" against the active scorer; "active" for itself. */
export function versusActiveText(row: Pick<MetricsRow, 'active' | 'versusActive'>): string {
  if (row.active) return 'active';
  if (!row.versusActive) return '—';
  const { difference, se } = row.versusActive;
  // To the decimals that show the error: "± 0.000" would say nothing.
  const digits = se > 0 && se < 0.001 ? 4 : 3;
  const format = (v: number) => v.toFixed(digits);
  return `${difference < 0 ? '−' : '+'}${format(Math.abs(difference))} ± ${format(se)}`;
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
 * a run fits the network several times (before each out-of-time snapshot, then on all of them), each
 * from epoch 1, and the fits drawn as one line would double back.
 */
export function epochsFromEvents(
  events: readonly TrainingEvent[],
): { epoch: number; loss: number; holdoutAuc: number | null; phase: string }[] {
  let latest: { epoch: number; loss: number; holdoutAuc: number | null; phase: string }[] = [];
  for (const e of events) {
    if (e.epoch === undefined || e.loss === undefined) continue;
    const point = { epoch: e.epoch, loss: e.loss, holdoutAuc: e.holdoutAuc ?? null, phase: e.phase };
    const last = latest.at(-1);
    if (last && last.phase === e.phase && last.epoch === e.epoch) latest[latest.length - 1] = point;
    else if (last && last.phase === e.phase && e.epoch > last.epoch) latest.push(point);
    else latest = [point];
  }
  return latest;
}

export const PHASE_LABELS: Record<TrainingEvent['phase'], string> = {
  features: 'Computing features',
  'validation-fit': 'Fitting the candidates before each out-of-time snapshot',
  baselines: 'Comparing the candidates',
  'final-fit': 'Refitting the chosen scorer on all snapshots',
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
 * ROC curves of every scorer on one grid of false-positive rates, with `chance`, the diagonal a
 * random ranking follows. Series are labelled with their AUC; the active one says so.
 */
export function rocChart(
  curves: Partial<ModelCurves> & Pick<ModelCurves, 'model'>,
  rows: readonly MetricsRow[],
): { data: ChartRow[]; series: Series[] } {
  const present = rows.filter((r) => (curves[r.key]?.roc.length ?? 0) > 0);
  const data = ROC_GRID.map((fpr) => {
    const row: ChartRow = { fpr };
    for (const r of present) row[r.key] = tprAt(curves[r.key]?.roc ?? [], fpr);
    row.chance = fpr;
    return row;
  });
  const series: Series[] = present.map((r) => ({
    key: r.key,
    label: `${r.label}${r.active && r.key !== 'model' ? ', active' : ''}${
      r.metrics.auc === null ? '' : ` (AUC ${threeDigits.format(r.metrics.auc)})`
    }`,
    color: seriesColor(r.key),
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

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const day = (iso: string) => dayFormat.format(new Date(`${iso}T00:00:00Z`));
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** Where the figures come from: the rolling origins (or, for older versions, the one snapshot). */
export function originsText(detail: Pick<ModelDetail, 'evaluation'>): string {
  const { origins, validation, snapshots } = detail.evaluation;
  if (origins && origins.length > 0) {
    const dates = origins.map((o) => day(o.snapshot)).join(', ');
    return (
      `Every candidate was fitted on the snapshots before each of ${
        origins.length === 1 ? 'one out-of-time snapshot' : `${origins.length} out-of-time snapshots`
      } (${dates}) and judged on its customers: ${whole.format(validation.rows)} customer-snapshots, ` +
      `${percent.format(validation.churnRate)} of them churned.`
    );
  }
  return (
    `Validated on the snapshot of ${day(snapshots.validation)}: ${whole.format(validation.rows)} customers, ` +
    `${percent.format(validation.churnRate)} of whom churned.`
  );
}

/**
 * What the page says while the first version trains: how far it has got, and what appears when it is
 * done (instead of "no model yet" beside a running training).
 */
export function firstTrainingText(last: Pick<TrainingEvent, 'phase' | 'percent'> | null): {
  title: string;
  progress: string;
  next: string;
} {
  return {
    title: 'The first model is training',
    progress: `${last ? `${PHASE_LABELS[last.phase]}: ${whole.format(last.percent)} % done.` : 'Starting.'} It takes a few minutes on the demo data, and this page fills in by itself when it is done.`,
    next:
      'Then it shows which scorer ranks your customers’ churn best and why, every candidate’s accuracy on ' +
      'snapshots it never saw, and what drives the risk; the At-risk page lists the customers to call.',
  };
}
