import fs from 'node:fs';
import path from 'node:path';
import { appendAudit } from '@retain/access';
import type { CallListFilters } from '@retain/schemas';
import { sql, type Warehouse } from '@retain/warehouse';
import { type CallListOptions, planCallList } from './callList.ts';
import { withStagedFacts } from './engineFacts.ts';
import { ensureOutreachTables } from './program/programTables.ts';
import { type CallListCsvResult, callListHeader } from './writeCallListCsv.ts';

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

export interface ExportProgress {
  /** `ranking` until the first row reaches the file, then `writing`. */
  phase: 'ranking' | 'writing';
  /** Bytes in the file so far. */
  bytes: number;
  /** Rows the list will have. */
  rows: number;
}

export interface ExportOptions extends CallListOptions {
  /** Start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8. */
  bom?: boolean;
  /** Stops the export; the returned promise rejects with an AbortError and no file is left. */
  signal?: AbortSignal;
  /** Called when the file starts to be written and then about four times a second. */
  onProgress?: (progress: ExportProgress) => void;
  /** Recorded in the audit log when given. */
  requester?: ExportRequester;
  /**
   * Called when DuckDB runs out of memory (its sort needs more the longer the list): resolve true
   * once the limit is raised, to start again from a fresh snapshot; false to give up.
   */
  onOutOfMemory?: (attempt: number) => Promise<boolean>;
}

const PARTIAL = /^(.*)\.(\d+)-[0-9a-z]+\.partial$/;
const PROGRESS_MS = 250;

/**
 * Writes the call list to `outFile`, the same bytes as `writeCallListCsv` streams. DuckDB writes
 * the rows itself (COPY of the list's CSV lines, numbered in ranking order): nothing crosses into
 * JavaScript, so a million-row list costs no more memory than its ranking. The rows go to
 * `<outFile>.<pid>-<random>.partial` beside it, which is flushed to disk and renamed over
 * `outFile` only once complete: a crash, a kill or an error never leaves a truncated file under
 * the final name. On an error or abort the partial file is removed; one left by a killed process
 * is removed by the next export to the same file.
 */
export async function exportCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  outFile: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const target = path.resolve(outFile);
  removeAbandonedPartials(target);
  const partial = `${target}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.partial`;
  // Created before the list is read, so that a missing folder or a clash fails here, cleanly.
  await (await fs.promises.open(partial, 'wx')).close();
  let result: CallListCsvResult;
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        result = await copyCallList(warehouse, filters, partial, options);
        break;
      } catch (error) {
        if (!isOutOfMemory(error) || !(await options.onOutOfMemory?.(attempt))) throw error;
      }
    }
    const handle = await fs.promises.open(partial, 'r+');
    try {
      await handle.sync(); // renamed means on disk
    } finally {
      await handle.close();
    }
    await fs.promises.rename(partial, target);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  if (options.requester) {
    await auditCallListExport(warehouse, options.requester, filters, result, {
      file: target,
      ...(options.listId ? { listId: options.listId } : {}),
    });
  }
  return { ...result, path: target };
}

/** The list into `file` by DuckDB's COPY, in one snapshot with its counts. */
async function copyCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  file: string,
  options: ExportOptions,
): Promise<CallListCsvResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  // The list reads the outcomes recorded beside the scores: their table before the snapshot.
  await ensureOutreachTables(warehouse);
  const db = await warehouse.session();
  const interrupt = () => db.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    return await db.snapshot(() =>
      withStagedFacts(db, options.facts, async () => {
        const { sql: plan, summary } = await planCallList(db, filters, options);
        signal?.throwIfAborted();
        const query = plan.rows({ offset: 0, limit: null }, 'csv', summary.eligible);
        // One column whose name is the header line: COPY writes the name, then each value as it is
        // (no quoting: the lines are CSV already). row_number() OVER () numbers the rows in the
        // order the ranking's ORDER BY gives them, which DuckDB keeps through to the file.
        const header = callListHeader(options.bom ?? false);
        const copy = db.dialect.copyToCsv(
          sql`SELECT row_number() OVER () || ',' || line AS ${sql.ident(header)} FROM (${query})`,
          file,
          { header: true, verbatim: true, newline: '\r\n', inPlace: true },
        );
        const written = await withProgress(file, header, summary.listed, options.onProgress, () =>
          db.count(copy),
        );
        signal?.throwIfAborted();
        if (written !== summary.listed) {
          throw new Error(`The export wrote ${written} of ${summary.listed} rows.`);
        }
        return { ...summary, rows: written };
      }),
    );
  } catch (error) {
    signal?.throwIfAborted(); // an interrupted COPY fails with DuckDB's INTERRUPT error
    throw error;
  } finally {
    signal?.removeEventListener('abort', interrupt);
    db.close();
  }
}

function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && /Out of Memory Error/.test(error.message);
}

/** Runs `task` while reporting the size of `file` as it grows. */
async function withProgress<T>(
  file: string,
  header: string,
  rows: number,
  onProgress: ExportOptions['onProgress'],
  task: () => Promise<T>,
): Promise<T> {
  if (!onProgress) return task();
  const headerBytes = Buffer.byteLength(`${header}\r\n`);
  const report = async () => {
    const bytes = await fs.promises.stat(file).then(
      (stats) => stats.size,
      () => 0,
    );
    onProgress({ phase: bytes > headerBytes ? 'writing' : 'ranking', bytes, rows });
  };
  onProgress({ phase: 'ranking', bytes: 0, rows });
  const timer = setInterval(() => void report(), PROGRESS_MS);
  try {
    return await task();
  } finally {
    clearInterval(timer);
  }
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
