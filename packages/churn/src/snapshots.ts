import { ParameterError } from '@retain/warehouse';
import { isoDate } from './dates.ts';

export interface SnapshotPlan {
  asOfDay: number;
  horizonDays: number;
  /** S = T − H: labels from (T − H, T]; only ever scored, never fitted on by the reported model. */
  validationDay: number;
  /** S = T − 2H, T − 3H, …, newest first. */
  trainingDays: number[];
  /** True when the labelled history spans two years or more: the season of the window is a feature. */
  seasonal: boolean;
  /**
   * Rolling origins the candidates are compared at: T − H, T − 2H, … (at most `maxOrigins`), each
   * with at least one older labelled snapshot to fit on.
   */
  origins: number;
  notes: string[];
}

export interface PlanOptions {
  asOfDay: number;
  horizonDays: number;
  /** Day of the first order in the warehouse. */
  firstOrderDay: number;
  /** Oldest snapshots beyond this many are left out (default 16: four years at H = 90). */
  maxTrainingSnapshots?: number;
  /** Rolling origins at most (default 3). */
  maxOrigins?: number;
}

export const MAX_ORIGINS = 3;

/**
 * Out-of-time training with horizon `h` at `asOfDay` needs a snapshot at T − 2H with orders before
 * it: orders from before T − 2H + 1. The data's first order is later.
 */
function tooLittleHistory(
  h: number,
  first: number,
  asOfDay: number,
  explanation: string | null,
): ParameterError {
  return new ParameterError({
    code: 'tooLittleHistory',
    field: 'horizonDays',
    value: h,
    params: { dataStart: isoDate(first), asOf: isoDate(asOfDay), needsFrom: isoDate(asOfDay - 2 * h + 1) },
    explanation,
  });
}

/**
 * Out-of-time snapshots: validation at T − H, training at T − 2H, T − 3H, … for as long as a snapshot
 * still has a horizon of history behind it (the oldest may have less when nothing else fits). The
 * newest of them are also the rolling origins the candidates are judged at.
 */
export function planSnapshots(options: PlanOptions): SnapshotPlan {
  const { asOfDay, horizonDays: h } = options;
  const first = Math.floor(options.firstOrderDay);
  const max = options.maxTrainingSnapshots ?? 16;
  const notes: string[] = [];
  const validationDay = asOfDay - h;
  if (validationDay < first) {
    throw tooLittleHistory(h, first, asOfDay, null);
  }
  const trainingDays: number[] = [];
  for (let k = 2; trainingDays.length < max; k++) {
    const day = asOfDay - k * h;
    if (day - first < h) break;
    trainingDays.push(day);
  }
  if (trainingDays.length === 0) {
    const day = asOfDay - 2 * h;
    if (day < first) {
      throw tooLittleHistory(h, first, asOfDay, 'an earlier history');
    }
    trainingDays.push(day);
    notes.push(
      `Only one training snapshot (${isoDate(day)}), with ${day - first} days of history behind it: ` +
        'the history is shorter than three horizons.',
    );
  } else if (asOfDay - (trainingDays.length + 2) * h - first >= h && trainingDays.length === max) {
    notes.push(`Training uses the newest ${max} snapshots; older history is left out.`);
  } else if (trainingDays.length < 3) {
    notes.push(`Only ${trainingDays.length} training snapshots: the history allows no more.`);
  }
  const oldest = trainingDays[trainingDays.length - 1] ?? validationDay;
  const seasonal = validationDay - oldest >= 2 * 365 - h;
  const maxOrigins = options.maxOrigins ?? MAX_ORIGINS;
  const origins = Math.min(maxOrigins, trainingDays.length);
  if (origins < maxOrigins) {
    notes.push(
      `The candidates are compared on ${origins === 1 ? 'one out-of-time snapshot' : `${origins} out-of-time snapshots`} ` +
        `instead of ${maxOrigins}: each needs an older labelled snapshot to fit on, and the history allows no more.`,
    );
  }
  return { asOfDay, horizonDays: h, validationDay, trainingDays, seasonal, origins, notes };
}
