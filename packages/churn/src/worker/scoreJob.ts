import { type BackendName, loadBackend } from '../backend.ts';
import { type GbtJson, gbtFromJson } from '../baselines/gbt.ts';
import { columnMeans, occlusionAttributions } from '../explain/occlusion.ts';
import { allRows, columnsByGroup, encode, evenRows, type Normalisation } from '../features/encode.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import { fromTfjsFiles, type TfjsModelJson } from '../model/tfjsFormat.ts';
import { BGNBD_SAMPLE, fitBgnbdOn } from '../scorers/bgnbdComponent.ts';
import { compileScorer } from '../scorers/compileScorer.ts';
import { componentsOf, type ScorerSpec } from '../scorers/scorerSpec.ts';

export interface ScoreJobInput {
  /** Unlabelled rows of one snapshot: the customers to score. */
  table: FeatureTable;
  scorer: ScorerSpec;
  normalisation: Normalisation;
  /** The network's files, when the scorer reads the network. */
  network?: { modelJson: TfjsModelJson; weightsBin: Uint8Array };
  /** The trees, when the scorer reads them. */
  gbt?: GbtJson;
  backendOrder?: BackendName[];
  /** Score rows [from, to) only (default: all); the baseline and BG/NBD still come from every row. */
  range?: { from: number; to: number };
}

/** Rows [start, start + probability.length) of the table, scored. */
export interface ScoreChunk {
  start: number;
  probability: Float64Array;
  /** MAX_REASONS reason codes and log-odds rises per row (see occlusionAttributions). */
  codes: Int8Array;
  impacts: Float32Array;
}

export interface ScoreJobOutput {
  backend: string;
  rows: number;
}

/** Rows per chunk: small enough that the main thread's writes keep pace, large enough for the network. */
const CHUNK_ROWS = 65_536;
/** The population baseline is the mean input over an even sample of the scored customers. */
const BASELINE_SAMPLE = 50_000;

/**
 * Probabilities and reasons for every row with whatever scorer the version ships (the stack, the
 * network, the trees or a baseline), in a worker thread, handed back chunk by chunk so that the
 * main thread writes each chunk to DuckDB while the next one is computed. BG/NBD, where the scorer
 * reads it, is first fitted on the histories of the customers being scored.
 */
export async function runScoreJob(
  input: ScoreJobInput,
  onChunk: (chunk: ScoreChunk, done: number, total: number) => void,
): Promise<ScoreJobOutput> {
  const { tf, backend } = await loadBackend(input.backendOrder);
  const { table, normalisation, scorer: spec } = input;
  const parts = componentsOf(spec);
  const n = table.rows;
  const scorer = compileScorer(spec, {
    normalisation,
    tf,
    ...(input.network
      ? { network: await fromTfjsFiles(tf, input.network.modelJson, input.network.weightsBin) }
      : {}),
    ...(input.gbt ? { gbt: gbtFromJson(input.gbt) } : {}),
    ...(parts.includes('bgnbd') && n > 0
      ? { bgnbd: fitBgnbdOn(table, allRows(n), spec.bgnbd?.seed ?? 42, spec.bgnbd?.sample || BGNBD_SAMPLE) }
      : {}),
  });
  const cols = normalisation.columns.length;
  const groups = columnsByGroup(normalisation);
  const sampleRows = evenRows(n, BASELINE_SAMPLE);
  const baseline = columnMeans({
    x: encode(table, normalisation, sampleRows),
    rows: sampleRows.length,
    cols,
  });
  const from = Math.max(0, input.range?.from ?? 0);
  const to = Math.min(n, input.range?.to ?? n);
  for (let start = from; start < to; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, to - start);
    const rows = Uint32Array.from({ length: count }, (_, k) => start + k);
    const x = encode(table, normalisation, rows);
    const attributions = occlusionAttributions({ scorer, groups, baseline }, { x, rows: count, cols });
    onChunk({ start, ...attributions }, start + count - from, to - from);
  }
  return { backend, rows: to - from };
}
