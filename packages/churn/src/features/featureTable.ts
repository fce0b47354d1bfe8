import { RAW_COLUMNS, type RawColumns } from './featureSpec.ts';

/** A categorical column as codes into a short list of levels (a million rows, a handful of strings). */
export interface Category {
  codes: Uint16Array;
  levels: string[];
}

/**
 * Customer × snapshot rows as columns of typed arrays. The columns sit in SharedArrayBuffers where the
 * extraction creates them, so a worker thread reads them without a copy.
 */
export interface FeatureTable {
  rows: number;
  customerId: string[];
  /** Index into the snapshot list the rows were extracted for. */
  snapshot: Int32Array;
  /** The customer's number (the same in every snapshot): rows of one customer are one cluster. */
  customer: Int32Array;
  /** 1 for customers in the early-stopping / calibration slice (a fixed share of customers). */
  holdout: Uint8Array;
  /** The customer's fold, 0–4 (by a hash of the id): rows of one customer always share it. */
  fold: Uint8Array;
  /** The row's sampling draw in [0, 1): a row kept at rate p has u < p, so lower rates nest. */
  sampleU: Float64Array;
  /** 1 = churned (no order in the horizon); null when extracted without labels. */
  label: Uint8Array | null;
  raw: RawColumns;
  channel: Category;
  region: Category;
}

export function emptyRawColumns(rows: number): RawColumns {
  return Object.fromEntries(RAW_COLUMNS.map((c) => [c, new Float64Array(rows)])) as RawColumns;
}

/** The level of row i. */
export function levelOf(category: Category, i: number): string {
  return category.levels[category.codes[i] ?? 0] ?? 'unknown';
}

/** A category from one string per row (tests and fixtures). */
export function categoryOf(values: readonly string[]): Category {
  const levels = [...new Set(values)].sort();
  const index = new Map(levels.map((level, code) => [level, code]));
  return { codes: Uint16Array.from(values, (v) => index.get(v) ?? 0), levels };
}

type TypedArrayConstructor<T> = new (buffer: SharedArrayBuffer) => T;

/** A copy of `values` in shared memory, as the given typed array. */
export function shared<T extends Float64Array | Int32Array | Uint8Array | Uint16Array>(
  values: ArrayLike<number>,
  Type: TypedArrayConstructor<T> & { BYTES_PER_ELEMENT: number },
): T {
  const out = new Type(new SharedArrayBuffer(values.length * Type.BYTES_PER_ELEMENT));
  out.set(values);
  return out;
}
