import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CALL_LIST_COLUMNS,
  type CallListFilters,
  type CallListSummary,
  csvField,
  UTF8_BOM,
} from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { type CallListOptions, planCallList } from './callList.ts';
import { withStagedFacts } from './engineFacts.ts';
import { ensureOutreachTables } from './program/programTables.ts';

/** Characters per piece of text handed to the sink (see below). */
const PIECE = 32_000;

export interface CsvWriteOptions extends CallListOptions {
  /** Start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8. */
  bom?: boolean;
  /** Stops the export; the returned promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called with the rows written so far, after each chunk. */
  onProgress?: (rows: number, of: number) => void;
}

/** The header line without its line break, after a byte order mark when asked. */
export function callListHeader(bom: boolean): string {
  return `${bom ? UTF8_BOM : ''}${CALL_LIST_COLUMNS.map((c) => csvField(c)).join(',')}`;
}

export interface CallListCsvResult extends CallListSummary {
  /** Data rows written (the header not counted). */
  rows: number;
}

/**
 * Streams the call list as CSV (RFC 4180, UTF-8, formula cells neutralised) into `sink` — an HTTP
 * response or standard output — and ends it (`exportCallList` writes files). DuckDB's streaming
 * result is read one chunk (2,048 rows) at a time and each chunk waits for the sink to drain.
 * On an error or abort the sink is destroyed, not ended: a reader never sees a clean end.
 */
export async function writeCallListCsv(
  warehouse: Warehouse,
  filters: CallListFilters,
  sink: Writable,
  options: CsvWriteOptions = {},
): Promise<CallListCsvResult> {
  // The list reads the outcomes recorded beside the scores: their table before the snapshot.
  await ensureOutreachTables(warehouse);
  // A connection of its own: a slow download must not hold one of the pooled readers.
  const db = await warehouse.session();
  try {
    return await db.snapshot(() =>
      withStagedFacts(db, options.facts, async () => {
        const { sql: plan, summary } = await planCallList(db, filters, options);
        const query = plan.rows({ offset: 0, limit: null }, 'csv', summary.eligible);
        const chunks = db.streamText(query);
        let rows = 0;
        async function* lines(): AsyncGenerator<string> {
          yield `${callListHeader(options.bom ?? false)}\r\n`;
          for await (const texts of chunks) {
            // DuckDB writes each line (the SQL's `csv` shape); only the rank is added here. Text goes
            // out in pieces of about 32 KB: larger strings would be allocated outside V8's young
            // generation and linger until a full garbage collection.
            const count = texts.length;
            let text = '';
            for (let r = 0; r < count; r++) {
              rows += 1;
              text += `${rows},${texts[r]}\r\n`;
              if (text.length > PIECE) {
                yield text;
                text = '';
              }
            }
            if (text !== '') yield text;
            options.onProgress?.(rows, summary.listed);
          }
          // DuckDB ends a streamed result that fails part way (out of memory, say) as if it were
          // complete. The count was read in the same snapshot, so a shortfall is such a failure;
          // thrown here, before the sink is ended, so that no reader sees a clean end.
          if (rows !== summary.listed) {
            throw new Error(
              `The export stopped after ${rows} of ${summary.listed} rows (DuckDB ran out of memory?).`,
            );
          }
        }
        await pipeline(lines, sink, options.signal ? { signal: options.signal } : {});
        return { ...summary, rows };
      }),
    );
  } finally {
    db.close();
  }
}
