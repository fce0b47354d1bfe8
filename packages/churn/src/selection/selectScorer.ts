import {
  CANDIDATE_LABELS,
  type Candidate,
  type CandidateName,
  type Curves,
  type Interval,
  type Selection,
} from '@retain/schemas';
import { ascendingOrder, evaluate, thresholdCurves } from '../metrics.ts';
import { CANDIDATE_INPUTS, LEARNED, type MetaInput } from '../scorers/scorerSpec.ts';
import { type Combiner, crossFitted } from './combiner.ts';
import { type DeLong, delong, differenceSe } from './delong.ts';

/** The candidates' outputs on the rows of every rolling origin, pooled. */
export interface PooledRows {
  labels: Uint8Array;
  /** Customer fold of each row (FeatureTable.fold). */
  folds: Uint8Array;
  /** The customer of each row: one customer's rows at several origins are one cluster. */
  customers: Int32Array;
  outputs: Record<MetaInput, Float64Array>;
}

export interface JudgedCandidate extends Candidate {
  /** Cross-fitted probabilities on the pooled rows. */
  probability: Float64Array;
  curves: Curves;
  /** Fitted on all pooled rows: what ships if the candidate is selected. */
  combiner: Combiner | null;
}

/** Exact ties go to the simpler candidate: the first of these. */
const SIMPLEST_FIRST: readonly CandidateName[] = [
  'recency',
  'bgnbd',
  'rfmLogistic',
  'gbt',
  'network',
  'stack',
];

/** The z of a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

export const SELECTION_RULE =
  'Every candidate is fitted on the labelled snapshots before each rolling origin (T − H, T − 2H, T − 3H, as far as ' +
  'the history allows) and scores the customers at the origin; its probabilities come from a logistic regression of ' +
  'churn on its outputs, cross-fitted over five customer folds of the pooled rows, and its ROC AUC on all origins’ ' +
  'rows pooled is compared with every other candidate’s, with the DeLong standard error of each paired difference ' +
  '(a customer’s rows at several origins counted as one cluster). ' +
  'A candidate that another is ahead of by more than that standard error is out; of those left, the simplest ' +
  'becomes the active scorer (days since last order, then BG/NBD, RFM logistic regression, boosted trees, the ' +
  'network, the stacked model). The best candidate is never out, so there is always one; the active scorer never ' +
  'trails another by more than the standard error of their difference; and a baseline that no learned candidate ' +
  'beats beyond the noise scores the customers itself. A difference smaller than twice its standard error is ' +
  'reported as too small to tell.';

/** The candidates judged on the pooled rows, and the DeLong covariance of their AUCs. */
export interface Judgement {
  candidates: JudgedCandidate[];
  auc: DeLong | null;
}

/**
 * Judges each candidate on the pooled out-of-time rows: probabilities (cross-fitted combiners),
 * every metric with its interval, and the DeLong covariance for the paired differences.
 */
export function judgeCandidates(pooled: PooledRows, names: readonly CandidateName[]): Judgement {
  const { labels, folds } = pooled;
  const orders: Uint32Array[] = [];
  const candidates = names.map((name): JudgedCandidate => {
    const inputs = CANDIDATE_INPUTS[name].map((input) => pooled.outputs[input]);
    const { probability, all } = crossFitted(inputs, labels, folds);
    const order = ascendingOrder(probability);
    orders.push(order);
    const metrics = evaluate(probability, labels, order);
    return {
      name,
      label: CANDIDATE_LABELS[name],
      learned: LEARNED.has(name),
      metrics,
      probability,
      curves: thresholdCurves(probability, labels, undefined, order),
      combiner: all,
      auc: emptyInterval(metrics.auc),
      prAuc: prAucInterval(metrics.prAuc, labels),
      brier: brierInterval(probability, labels),
      versusSelected: null,
    };
  });
  const auc = delong(
    candidates.map((c) => c.probability),
    labels,
    pooled.customers,
    orders,
  );
  if (auc) {
    candidates.forEach((c, k) => {
      const se = Math.sqrt(Math.max(0, auc.covariance[k]?.[k] ?? 0));
      const value = auc.auc[k] ?? 0;
      c.auc = { value, se, lower: Math.max(0, value - Z95 * se), upper: Math.min(1, value + Z95 * se) };
    });
  }
  return { candidates, auc };
}

/** The index of the highest pooled AUC (exact ties: the simpler candidate). */
function bestIndex(judged: readonly Pick<JudgedCandidate, 'name' | 'auc'>[]): number {
  let best = -1;
  for (let k = 0; k < judged.length; k++) {
    const c = judged[k];
    const b = judged[best];
    if (!c || c.auc.value === null) continue;
    if (
      !b ||
      b.auc.value === null ||
      c.auc.value > b.auc.value ||
      (c.auc.value === b.auc.value && SIMPLEST_FIRST.indexOf(c.name) < SIMPLEST_FIRST.indexOf(b.name))
    )
      best = k;
  }
  return Math.max(0, best);
}

const three = (v: number) => v.toFixed(3);
/** Decimals that show a standard error: "± 0.000" says nothing. */
const decimals = (se: number) => (se > 0 && se < 0.001 ? 4 : 3);
/** A difference and its standard error. */
const pm = (difference: number, se: number) =>
  `${difference.toFixed(decimals(se))} ± ${se.toFixed(decimals(se))}`;
const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The rule applied (see SELECTION_RULE), with the sentence the model page and `retain train` show,
 * a warning in plain words when the pooled rows are too few for the order to mean much, and every
 * other candidate's AUC difference from the selected one.
 */
export function selectScorer(
  judgement: Judgement,
  snapshots: readonly string[],
): Selection & { candidate: JudgedCandidate } {
  const { candidates, auc } = judgement;
  const best = bestIndex(candidates);
  const versus = (k: number, base: number) =>
    auc ? { difference: (auc.auc[k] ?? 0) - (auc.auc[base] ?? 0), se: differenceSe(auc, k, base) } : null;
  // Out: a candidate some other one is ahead of by more than the standard error of their difference.
  const eligible = candidates
    .map((c, k) => ({ c, k }))
    .filter(
      ({ c, k }) =>
        c.auc.value !== null &&
        candidates.every((_, o) => {
          const ahead = o === k ? null : versus(o, k);
          return !ahead || ahead.difference <= ahead.se;
        }),
    );
  const chosen =
    auc && eligible.length > 0
      ? eligible.reduce((a, b) =>
          SIMPLEST_FIRST.indexOf(b.c.name) < SIMPLEST_FIRST.indexOf(a.c.name) ? b : a,
        ).k
      : best;
  const selected = candidates[chosen];
  if (!selected) throw new Error('no candidate to select');
  candidates.forEach((c, k) => {
    c.versusSelected = k === chosen ? null : versus(k, chosen);
  });
  const others = candidates.filter((c) => c !== selected && c.versusSelected && c.auc.value !== null);
  // The one to compare with: the best when the selected one is not it, else the next best.
  const rival = others.reduce<JudgedCandidate | null>(
    (top, c) =>
      !top || (c.versusSelected?.difference ?? -1) > (top.versusSelected?.difference ?? -1) ? c : top,
    null,
  );
  const margin = rival?.versusSelected
    ? { difference: -rival.versusSelected.difference, se: rival.versusSelected.se }
    : null;
  const rows = selected.metrics.rows;
  const where = `on ${plural(snapshots.length, 'out-of-time snapshot')} (${plural(rows, 'customer-snapshot')})`;
  const aucOf = (c: JudgedCandidate) => three(c.auc.value ?? 0);
  const baselineWins = !selected.learned && candidates.some((c) => c.learned);
  let reason: string;
  if (!rival || !margin) {
    reason = `${selected.label} is the only candidate that could be judged ${where}: AUC ${aucOf(selected)}.`;
  } else if (margin.difference >= 0) {
    reason =
      `${selected.label} ranks churners best ${where}: AUC ${aucOf(selected)} against ${aucOf(rival)} for ` +
      `${rival.label}, the next best (a lead of ${pm(margin.difference, margin.se)})` +
      (baselineWins
        ? `; no learned candidate beats it, so ${selected.label} itself scores the customers.`
        : '.');
  } else {
    reason =
      `${selected.label} ranks churners as well as the best candidate ${where}, within the noise: AUC ` +
      `${aucOf(selected)} against ${aucOf(rival)} for ${rival.label}, a difference of ` +
      `${pm(-margin.difference, margin.se)}; it is the simpler of the two` +
      (baselineWins ? `, so ${selected.label} itself scores the customers.` : '.');
  }
  const warnings: string[] = [];
  if (margin && rival && Math.abs(margin.difference) < 2 * margin.se) {
    warnings.push(
      `The data is too small to tell ${selected.label} from ${rival.label}: their AUCs differ by ` +
        `${Math.abs(margin.difference).toFixed(decimals(margin.se))}, less than twice the standard error of ` +
        `that difference (${margin.se.toFixed(decimals(margin.se))}), so on other customers or another ` +
        'period their order could well be the other way.',
    );
  }
  if (snapshots.length < 2) {
    warnings.push(
      'The history allows only one out-of-time snapshot, so the comparison rests on one period and its customers.',
    );
  }
  return {
    name: selected.name,
    label: selected.label,
    reason,
    rule: SELECTION_RULE,
    warning: warnings.length > 0 ? warnings.join(' ') : null,
    rows,
    snapshots: [...snapshots],
    runnerUp: rival?.name ?? null,
    margin,
    candidate: selected,
  };
}

function emptyInterval(value: number | null): Interval {
  return { value, se: null, lower: null, upper: null };
}

/**
 * Average precision with the logit-normal interval of Boyd, Eng & Page (2013): on the logit scale
 * the standard error is about 1 / √(churners · AP · (1 − AP)).
 */
function prAucInterval(value: number | null, labels: ArrayLike<number>): Interval {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] ?? 0;
  if (value === null || value <= 0 || value >= 1 || positives === 0) return emptyInterval(value);
  const logit = Math.log(value / (1 - value));
  const seLogit = 1 / Math.sqrt(positives * value * (1 - value));
  const expit = (z: number) => 1 / (1 + Math.exp(-z));
  return {
    value,
    se: value * (1 - value) * seLogit,
    lower: expit(logit - Z95 * seLogit),
    upper: expit(logit + Z95 * seLogit),
  };
}

/** The Brier score is a mean of squared errors: its standard error is theirs over √n. */
function brierInterval(probability: ArrayLike<number>, labels: ArrayLike<number>): Interval {
  const n = labels.length;
  if (n < 2) return emptyInterval(n === 1 ? ((probability[0] ?? 0) - (labels[0] ?? 0)) ** 2 : null);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const e = ((probability[i] ?? 0) - (labels[i] ?? 0)) ** 2;
    sum += e;
    squares += e * e;
  }
  const mean = sum / n;
  const se = Math.sqrt(Math.max(0, squares / n - mean * mean) / (n - 1));
  return { value: mean, se, lower: Math.max(0, mean - Z95 * se), upper: mean + Z95 * se };
}
