import os from 'node:os';
import type { Writable } from 'node:stream';
import { latestScoresCount } from '@retain/churn';
import {
  auditCallListExport,
  type CallListCsvResult,
  type ExportProgress,
  type ExportResult,
  exportCallList,
  type StagedFacts,
  writeCallListCsv,
} from '@retain/outreach';
import type { CallListFilters } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { auditAs, type Requester } from './requester.ts';
import { exportSettingsSql } from './sql/exportSettings.ts';

/**
 * The memory DuckDB gets to rank a call list of `customers` in a process of its own. Its sort needs
 * more the longer the list: 112 MB ranks a million customers (under 300 MB peak RSS in all), and
 * each further million needs about 40 MB more (48 MB given, for wider rows).
 */
export function exportMemoryMb(customers: number): number {
  return 112 + 48 * Math.max(0, Math.ceil(customers / 1e6) - 1);
}

/** Past half the machine's memory, the export fails rather than take more. */
export const MAX_EXPORT_MB = Math.floor(os.totalmem() / 2 / 2 ** 20);

export interface CallListFileOptions {
  requester: Requester;
  /** Start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8. */
  bom?: boolean;
  /** Stops the export; no file is left. */
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Said when DuckDB needed more memory than it had and the export starts again with more. */
  onMemoryRaised?: (fromMb: number, toMb: number) => void;
  /** Only the customers to call of this saved list (see retentionProgram.ts). */
  listId?: string;
  /** The facts read from a cluster (stageEngineFacts in @retain/outreach). */
  facts?: StagedFacts | null;
}

/**
 * Writes the call list to `outFile` (complete or not at all) and audits it, in a process that has
 * DuckDB to itself: it is tuned to rank the list in little memory (see exportMemoryMb), and should
 * that fall short, the limit doubles and the export starts again, up to half the machine's memory.
 */
export async function exportCallListFile(
  warehouse: Warehouse,
  filters: CallListFilters,
  outFile: string,
  options: CallListFileOptions,
): Promise<ExportResult> {
  let memoryMb = Math.min(exportMemoryMb(await latestScoresCount(warehouse)), MAX_EXPORT_MB);
  await warehouse.write((db) => db.run(exportSettingsSql(memoryMb)));
  return exportCallList(warehouse, filters, outFile, {
    bom: options.bom ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    requester: options.requester,
    ...(options.listId ? { listId: options.listId } : {}),
    facts: options.facts ?? null,
    onOutOfMemory: async () => {
      if (memoryMb >= MAX_EXPORT_MB) return false;
      const more = Math.min(memoryMb * 2, MAX_EXPORT_MB);
      options.onMemoryRaised?.(memoryMb, more);
      memoryMb = more;
      await warehouse.write((db) => db.run(exportSettingsSql(memoryMb)));
      return true;
    },
  });
}

export interface CallListStreamOptions {
  requester: Requester;
  bom?: boolean;
  signal?: AbortSignal;
  /** Rows sent so far, as they go. */
  onProgress?: (rows: number) => void;
  /** Kept with the audit entry of a complete list (e.g. `{ printed: true }`). */
  detail?: Record<string, unknown>;
  /**
   * Audit a list cut short too (a download the browser broke off), with the rows sent and
   * `complete: false`; the error is thrown on either way.
   */
  auditIncomplete?: boolean;
  /** Only the customers to call of this saved list (see retentionProgram.ts). */
  listId?: string;
  /** The facts read from a cluster (stageEngineFacts in @retain/outreach). */
  facts?: StagedFacts | null;
}

/** Streams the call list as CSV to `out` with backpressure, and audits it. */
export async function streamCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  out: Writable,
  options: CallListStreamOptions,
): Promise<CallListCsvResult> {
  let sent = 0;
  try {
    const result = await writeCallListCsv(warehouse, filters, out, {
      bom: options.bom ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.listId ? { listId: options.listId } : {}),
      facts: options.facts ?? null,
      onProgress: (rows) => {
        sent = rows;
        options.onProgress?.(rows);
      },
    });
    await auditCallListExport(warehouse, options.requester, filters, result, options.detail);
    return result;
  } catch (error) {
    if (options.auditIncomplete) {
      await auditAs(warehouse, options.requester, 'export', {
        export: 'call-list',
        filters,
        rows: sent,
        complete: false,
      }).catch(() => undefined);
    }
    throw error;
  }
}
