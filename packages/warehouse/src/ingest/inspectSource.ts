import path from 'node:path';
import { DATE_FORMAT_CANDIDATES, type SourceInspection } from '@retain/schemas';
import { sqlIdent } from '../sql.ts';
import type { Warehouse } from '../Warehouse.ts';
import { convert } from './converters.ts';
import { proposeMapping } from './proposeMapping.ts';
import { describeSource, openSource, readerSql, unreadable } from './sourceFile.ts';

const SAMPLE_ROWS = 20;
const PROBE_VALUES = 500;
const DATE_COLUMNS = new Set(['order_date', 'opened_at', 'resolved_at', 'returned_at', 'signup_date']);
const NUMBER_COLUMNS = new Set(['amount', 'quantity', 'unit_price']);

/**
 * A first look at an uploaded export: its headers, a few rows, and a proposed mapping with the
 * date format and decimal separator that fit its values. Reads only the start of the file.
 */
export async function inspectSource(
  warehouse: Warehouse,
  file: string,
  displayName?: string,
): Promise<SourceInspection> {
  const name = displayName ?? path.basename(file);
  const source = await openSource(file, name, { name });
  return warehouse.read(async (conn) => {
    const columns = await describeSource(conn, source);
    const headers = columns.map((c) => c.header);
    const fieldOf = new Map(columns.map((c) => [c.header, c.name]));
    const reader = readerSql(source);
    // The first rows can hold what the header line did not show (a ragged row, a broken record):
    // the same scan as a load names the line, and DuckDB's own words never reach the page.
    const read = async (sql: string) => {
      try {
        return await conn.runAndReadAll(sql);
      } catch (error) {
        throw await unreadable(source, error, name);
      }
    };
    const textColumns = columns.map((c) => `CAST(${sqlIdent(c.name)} AS VARCHAR)`).join(', ');
    const sample = (await read(`SELECT ${textColumns} FROM ${reader} LIMIT ${SAMPLE_ROWS}`))
      .getRows()
      .map((row) => row.map((v) => (v === null ? '' : String(v))));
    const proposal = proposeMapping(headers, name);
    const notes: string[] = [];

    const probe = async (header: string, test: string): Promise<boolean> => {
      const field = sqlIdent(fieldOf.get(header) ?? header);
      const sql = `WITH v AS (SELECT trim(CAST(${field} AS VARCHAR)) AS v FROM ${reader}
                     WHERE nullif(trim(CAST(${field} AS VARCHAR)), '') IS NOT NULL LIMIT ${PROBE_VALUES})
                   SELECT count(*) = count(*) FILTER (WHERE ${test}) AND count(*) > 0 FROM v`;
      return Boolean((await read(sql)).getRows()[0]?.[0]);
    };

    let dateFormat: string | null = null;
    const dateHeaders = Object.entries(proposal.columns)
      .filter(([canonical]) => DATE_COLUMNS.has(canonical))
      .map(([, header]) => header);
    if (dateHeaders.length > 0) {
      const fits = async (fmt: string | null) => {
        for (const header of dateHeaders) {
          // The load's own parser decides what fits (zones, offsets, the year range).
          const test = `(${convert('v', 'VARCHAR', 'timestamp', { dateFormat: fmt ?? undefined }).lenient}) IS NOT NULL`;
          if (!(await probe(header, test))) return false;
        }
        return true;
      };
      if (!(await fits(null))) {
        const matching: string[] = [];
        for (const fmt of DATE_FORMAT_CANDIDATES) if (await fits(fmt)) matching.push(fmt);
        dateFormat = matching[0] ?? null;
        const other = matching.find(
          (f) =>
            f.startsWith('%m') !== dateFormat?.startsWith('%m') &&
            f.replace(/%[dm]/g, '') === dateFormat?.replace(/%[dm]/g, ''),
        );
        if (dateFormat && other)
          notes.push(
            `Dates read as ${dateFormat}; they would also fit ${other}. Check a date after the 12th.`,
          );
        if (!dateFormat)
          notes.push('No common date format fits every date in the first rows; set the format by hand.');
      }
    }

    let decimalSeparator: '.' | ',' = '.';
    for (const [canonical, header] of Object.entries(proposal.columns)) {
      if (!NUMBER_COLUMNS.has(canonical)) continue;
      const dotted = await probe(header, 'TRY_CAST(v AS DOUBLE) IS NOT NULL');
      if (!dotted && (await probe(header, "TRY_CAST(replace(v, ',', '.') AS DOUBLE) IS NOT NULL")))
        decimalSeparator = ',';
    }
    if (proposal.confidence < 1)
      notes.push(`Not every required ${proposal.section} column was recognised; map the rest by hand.`);

    return {
      name,
      format: source.format,
      delimiter: source.delimiter ?? null,
      headers,
      sample,
      proposal: { ...proposal, dateFormat, decimalSeparator },
      notes,
    };
  });
}
