import {
  CATEGORICAL_FEATURES,
  type CategoricalName,
  numericFeatureDefinitions,
  type ReasonGroup,
} from './featureSpec.ts';
import { type FeatureTable, levelOf } from './featureTable.ts';

/** One input column of the network: its name, the reason group it belongs to, and its standardisation. */
export interface InputColumn {
  name: string;
  group: ReasonGroup | null;
  mean: number;
  std: number;
}

/**
 * Everything needed to turn feature rows into network inputs, saved with each model version:
 * numeric features (transformed, then standardised) followed by one-hot categorical levels
 * (standardised too, so that the population baseline is the zero vector).
 */
export interface Normalisation {
  seasonal: boolean;
  columns: InputColumn[];
  categorical: { name: CategoricalName; levels: string[] }[];
}

/** A level needs this share of training rows to get a column of its own; rarer ones count as "other". */
const MIN_LEVEL_SHARE = 0.005;
const MAX_LEVELS = 20;

export function fitNormalisation(
  table: FeatureTable,
  rows: ArrayLike<number>,
  seasonal: boolean,
): Normalisation {
  const definitions = numericFeatureDefinitions(seasonal);
  const columns: InputColumn[] = definitions.map((d) => ({ name: d.name, group: d.group, mean: 0, std: 1 }));
  const categorical = CATEGORICAL_FEATURES.map((feature) => {
    const counts = new Map<string, number>();
    const category = table[feature.name];
    for (let k = 0; k < rows.length; k++) {
      const level = levelOf(category, rows[k] ?? 0);
      counts.set(level, (counts.get(level) ?? 0) + 1);
    }
    const levels = [...counts.entries()]
      .filter(([, n]) => n >= MIN_LEVEL_SHARE * rows.length)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_LEVELS)
      .map(([level]) => level)
      .sort();
    return { name: feature.name, levels };
  });
  for (const c of categorical) {
    const group = CATEGORICAL_FEATURES.find((f) => f.name === c.name)?.group ?? null;
    for (const level of [...c.levels, '(other)'])
      columns.push({ name: `${c.name}=${level}`, group, mean: 0, std: 1 });
  }
  const draft: Normalisation = { seasonal, columns, categorical };
  // Standardise with the statistics of the encoded training rows.
  const d = columns.length;
  const x = encodeRaw(table, rows, draft, false);
  const n = rows.length;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i * d + j] ?? 0;
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += ((x[i * d + j] ?? 0) - mean) ** 2;
    const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    const column = columns[j];
    if (column) {
      column.mean = mean;
      column.std = std > 1e-9 ? std : 1;
    }
  }
  return draft;
}

/** Network inputs for `rows` of the table (all rows when omitted): row-major Float32, standardised. */
export function encode(
  table: FeatureTable,
  normalisation: Normalisation,
  rows?: ArrayLike<number>,
): Float32Array {
  return encodeRaw(table, rows ?? allRows(table.rows), normalisation, true);
}

function encodeRaw(
  table: FeatureTable,
  rows: ArrayLike<number>,
  normalisation: Normalisation,
  standardise = false,
): Float32Array {
  const definitions = numericFeatureDefinitions(normalisation.seasonal);
  const columns = normalisation.columns;
  const d = columns.length;
  const n = rows.length;
  const x = new Float32Array(n * d);
  definitions.forEach((definition, j) => {
    const value = definition.bind(table.raw);
    const mean = standardise ? (columns[j]?.mean ?? 0) : 0;
    const scale = standardise ? 1 / (columns[j]?.std ?? 1) : 1;
    for (let k = 0; k < n; k++) {
      const v = value(rows[k] ?? 0);
      x[k * d + j] = ((Number.isFinite(v) ? v : 0) - mean) * scale;
    }
  });
  let offset = definitions.length;
  for (const c of normalisation.categorical) {
    const category = table[c.name];
    const index = new Map(c.levels.map((level, i) => [level, i]));
    // The one-hot position of each of the table's codes; levels unseen in training are "(other)".
    const positionOf = category.levels.map((level) => index.get(level) ?? c.levels.length);
    const width = c.levels.length + 1;
    // Standardised one-hot: every column holds (0 − mean)/std except the level's own, (1 − mean)/std.
    const off = new Float32Array(width);
    const on = new Float32Array(width);
    for (let p = 0; p < width; p++) {
      const column = columns[offset + p];
      const mean = standardise ? (column?.mean ?? 0) : 0;
      const std = standardise ? (column?.std ?? 1) : 1;
      off[p] = (0 - mean) / std;
      on[p] = (1 - mean) / std;
    }
    for (let k = 0; k < n; k++) {
      const position = positionOf[category.codes[rows[k] ?? 0] ?? 0] ?? c.levels.length;
      // A plain loop: a typed-array copy per row costs more than the handful of values it copies.
      const at = k * d + offset;
      for (let p = 0; p < width; p++) x[at + p] = off[p] as number;
      x[at + position] = on[position] ?? 1;
    }
    offset += width;
  }
  return x;
}

export function allRows(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Every step-th of n rows, at most about `max` of them: an even, deterministic sample. */
export function evenRows(n: number, max: number): Uint32Array {
  const step = Math.max(1, Math.floor(n / max));
  return Uint32Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step).filter((i) => i < n);
}

/** Input column indices per reason group (calendar columns belong to none). */
export function columnsByGroup(normalisation: Normalisation): Map<ReasonGroup, number[]> {
  const groups = new Map<ReasonGroup, number[]>();
  normalisation.columns.forEach((column, j) => {
    if (column.group === null) return;
    const list = groups.get(column.group) ?? [];
    list.push(j);
    groups.set(column.group, list);
  });
  return groups;
}
