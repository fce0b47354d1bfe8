import path from 'node:path';
import { type IngestSummary, SECTIONS } from '@retain/schemas';
import {
  type IngestProgress,
  ingest,
  type SectionRequest,
  storeCurrency,
  type Warehouse,
} from '@retain/warehouse';
import { auditAs, type Requester } from './requester.ts';
import { loadDemoProgram } from './retentionProgram.ts';

export interface LoadFilesOptions {
  requester: Requester;
  onProgress?: (progress: IngestProgress) => void;
  /** Kept with the audit entry before the load's own figures (e.g. how demo data was made). */
  detail?: Record<string, unknown>;
}

/**
 * Loads exports into the warehouse, all files or none, and writes the `ingest` audit entry: which
 * files (by the names their users know), the data version it made and the rows each section gained.
 */
export async function loadFiles(
  warehouse: Warehouse,
  requests: readonly SectionRequest[],
  options: LoadFilesOptions,
): Promise<IngestSummary> {
  const loaded = await ingest(
    warehouse,
    [...requests],
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  await auditAs(warehouse, options.requester, 'ingest', {
    ...options.detail,
    files: requests.map((r) => ({ section: r.section, name: r.name ?? r.file })),
    dataVersion: loaded.dataVersion,
    inserted: Object.fromEntries(SECTIONS.map((s) => [s, loaded[s].inserted])),
  });
  return loaded;
}

/** The demo retailer's amounts are in US dollars; the load stores that with the data. */
export const DEMO_CURRENCY = 'USD';

/** How demo data was generated, kept in the audit entry of its load. */
export interface DemoGenerated {
  customers: number;
  seed: number;
  start: string;
  end: string;
}

/**
 * Loads the demo files written to `dir` (canonical headers: no mapping needed) with their currency.
 * The audit entry says it was demo data, how it was generated and what started the load.
 */
export async function loadDemoFiles(
  warehouse: Warehouse,
  dir: string,
  generated: DemoGenerated,
  options: { requester: Requester; command: string; onProgress?: (progress: IngestProgress) => void },
): Promise<IngestSummary> {
  const requests = SECTIONS.map((section) => ({ section, file: path.join(dir, `${section}.csv`) }));
  // Before the load, whose new data version tells the API's caches that the currency is new too.
  await storeCurrency(warehouse, DEMO_CURRENCY);
  const loaded = await loadFiles(warehouse, requests, {
    requester: options.requester,
    detail: { demo: generated, command: options.command },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // The retention team's past call lists, so that the Program page has a story to tell.
  await loadDemoProgram(warehouse, dir, options.requester);
  return loaded;
}
