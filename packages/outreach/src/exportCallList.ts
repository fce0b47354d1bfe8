import fs from 'node:fs';
import path from 'node:path';
import type { CallListFilters } from '@retain/schemas';
import { appendAudit, type Warehouse } from '@retain/warehouse';
import { type CallListCsvResult, type CsvWriteOptions, writeCallListCsv } from './writeCallListCsv.ts';

export interface ExportResult extends CallListCsvResult {
  path: string;
}

/** Who asked for an export and through what, for the audit log. */
export interface ExportRequester {
  /** The signed-in Retain user; null from the CLI, which has no sign-in. */
  username: string | null;
  via: 'cli' | 'api';
  /** Anything else worth keeping with the entry (the CLI's operating-system user). */
  detail?: Record<string, unknown>;
}

const PARTIAL = /^(.*)\.(\d+)-[0-9a-z]+\.partial$/;

/**
 * Writes the call list to `outFile`. The rows go to `<outFile>.<pid>-<random>.partial` beside it,
 * which is flushed to disk and renamed over `outFile` only once complete: a crash, a kill or an error never
 * leaves a truncated file under the final name. On an error or abort the partial file is removed;
 * one left by a killed process is removed by the next export to the same file.
 */
export async function exportCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  outFile: string,
  options: CsvWriteOptions & { requester?: ExportRequester } = {},
): Promise<ExportResult> {
  const target = path.resolve(outFile);
  removeAbandonedPartials(target);
  const partial = `${target}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.partial`;
  // Opened before the list is read, so that a missing folder or a clash fails here, cleanly.
  const handle = await fs.promises.open(partial, 'wx');
  const out = handle.createWriteStream({ flush: true }); // fsync before close: renamed means on disk
  let result: CallListCsvResult;
  try {
    result = await writeCallListCsv(warehouse, filters, out, options);
    await fs.promises.rename(partial, target);
  } catch (error) {
    out.destroy();
    await new Promise<void>((resolve) => (out.closed ? resolve() : out.once('close', () => resolve())));
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  if (options.requester) {
    await auditCallListExport(warehouse, options.requester, filters, result, { file: target });
  }
  return { ...result, path: target };
}

/** Appends the 'export' entry: who, through what, the filters, the rows and the exclusions. */
export async function auditCallListExport(
  warehouse: Warehouse,
  requester: ExportRequester,
  filters: CallListFilters,
  result: CallListCsvResult,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(warehouse, {
    username: requester.username,
    action: 'export',
    detail: {
      export: 'call-list',
      via: requester.via,
      ...requester.detail,
      filters,
      rows: result.rows,
      eligible: result.eligible,
      excludedNoConsent: result.excludedNoConsent,
      excludedDoNotCall: result.excludedDoNotCall,
      excludedRecentlyContacted: result.excludedRecentlyContacted,
      modelId: result.modelId,
      ...extra,
    },
  });
}

/** Partial files of earlier exports to `target` whose process is gone. */
function removeAbandonedPartials(target: string): void {
  const dir = path.dirname(target);
  const base = path.basename(target);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // The folder does not exist: the export itself will say so.
  }
  for (const name of names) {
    const match = PARTIAL.exec(name);
    if (match?.[1] !== base || processIsAlive(Number(match[2]))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
