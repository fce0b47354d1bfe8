import { type BackendName, loadBackend } from '../backend.ts';
import { columnMeans, occlusionAttributions } from '../explain/occlusion.ts';
import { columnsByGroup, encode, evenRows, type Normalisation } from '../features/encode.ts';
import type { FeatureTable } from '../features/featureTable.ts';
import type { Calibration } from '../model/platt.ts';
import { fromTfjsFiles, type TfjsModelJson } from '../model/tfjsFormat.ts';

export interface ScoreJobInput {
  /** Unlabelled rows of one snapshot: the customers to score. */
  table: FeatureTable;
  model: { modelJson: TfjsModelJson; weightsBin: Uint8Array };
  normalisation: Normalisation;
  calibration: Calibration;
  backendOrder?: BackendName[];
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
 * Probabilities and reasons for every row, in a worker thread, handed back chunk by chunk so that the
 * main thread writes each chunk to DuckDB while the next one is computed.
 */
export async function runScoreJob(
  input: ScoreJobInput,
  onChunk: (chunk: ScoreChunk, done: number, total: number) => void,
): Promise<ScoreJobOutput> {
  const { tf, backend } = await loadBackend(input.backendOrder);
  const weights = await fromTfjsFiles(tf, input.model.modelJson, input.model.weightsBin);
  const { table, normalisation } = input;
  const n = table.rows;
  const cols = normalisation.columns.length;
  const groups = columnsByGroup(normalisation);
  const sampleRows = evenRows(n, BASELINE_SAMPLE);
  const baseline = columnMeans({
    x: encode(table, normalisation, sampleRows),
    rows: sampleRows.length,
    cols,
  });
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    const rows = Uint32Array.from({ length: count }, (_, k) => start + k);
    const x = encode(table, normalisation, rows);
    const attributions = occlusionAttributions(
      { tf, weights, calibration: input.calibration, groups, baseline },
      { x, rows: count, cols },
    );
    onChunk({ start, ...attributions }, start + count, n);
  }
  return { backend, rows: n };
}
