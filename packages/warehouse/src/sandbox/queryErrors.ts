import { QueryError, type QueryErrorKind } from '../errors.ts';

/**
 * DuckDB's errors for the SQL console, without the data. Errors of parsing and binding are built
 * from the query's text and the catalog, so they are shown as DuckDB wrote them; errors raised
 * while rows are processed can quote the values being processed (a failed CAST prints the string
 * it could not convert, `error(x)` prints x), so they are worded without the values. The position
 * is kept either way.
 */

/** Error classes whose messages come from the statement and the catalog, never from rows. */
const FROM_THE_QUERY = new Set([
  'Parser Error',
  'Binder Error',
  'Catalog Error',
  'Syntax Error',
  'Not implemented Error',
  'Permission Error',
  'Out of Memory Error',
  'INTERRUPT Error',
]);

/** Classes whose messages quote values: shown with every literal value replaced by "…". */
const REDACTED = new Set(['Conversion Error', 'Out of Range Error']);

const WORDING: Record<string, string> = {
  'Invalid Input Error':
    'a function was given a value it cannot use (the value is not shown; TRY_ variants such as try_strptime give NULL instead)',
  'Constraint Error': 'a value breaks a constraint',
  'Dependency Error': 'the query depends on an object it cannot use',
  'Invalid Error': 'the query produced an invalid value',
  'Mathematical Error': 'a calculation failed for one of the values (the value is not shown)',
};

/** The first lines of a DuckDB message, before "LINE n:", with values removed where they can occur. */
export function consoleErrorMessage(message: string): string {
  const lines = message.split('\n');
  const at = lines.findIndex((l) => /^LINE \d+:/.test(l));
  const text = lines
    .slice(0, at >= 0 ? at : 3)
    .join('\n')
    .trim();
  // The node client may put its own words first ("Failed to extract statements: Parser Error: …").
  const found = /(?:^|: )((?:[A-Z][a-z]*|of|INTERRUPT)(?: (?:[A-Za-z]+))*? Error): /.exec(text);
  const errorClass = found?.[1];
  const head = found ? text.slice(found.index + (found[0].startsWith(': ') ? 2 : 0)) : text;
  if (errorClass === undefined) {
    // Not a DuckDB error class: our own wording (a refusal, a timeout) or something unknown.
    return /^[A-Z][^'"]*$/.test(head) && head.length < 300 ? head : 'The query failed while it ran.';
  }
  if (FROM_THE_QUERY.has(errorClass)) return head;
  if (REDACTED.has(errorClass)) return redactValues(head.split('\n')[0] ?? head);
  const wording = WORDING[errorClass] ?? 'the query failed while it ran (details are not shown)';
  return `${errorClass}: ${wording}.`;
}

/** Quoted strings and free-standing numbers become "…" (type names such as INT32 stay). */
function redactValues(text: string): string {
  const colon = text.indexOf(':');
  const body = text
    .slice(colon + 1)
    .replace(/'(?:[^']|'')*'?/g, "'…'")
    .replace(/"(?:[^"]|"")*"?/g, '"…"')
    .replace(/(?<![\w.])[-+]?\d[\d.,eE+-]*(?![\w])/g, '…');
  return `${text.slice(0, colon + 1)}${body}`;
}

/** DuckDB errors carry "LINE n:" and a caret under the offending token; turn that into an offset. */
export function toQueryError(error: unknown, sql: string, kind: QueryErrorKind = 'runtime'): QueryError {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n');
  const at = lines.findIndex((l) => /^LINE \d+:/.test(l));
  let position: number | null = null;
  if (at >= 0) {
    const lineNo = Number(/^LINE (\d+):/.exec(lines[at] ?? '')?.[1]);
    const prefix = /^LINE \d+: /.exec(lines[at] ?? '')?.[0].length ?? 0;
    const caret = (lines[at + 1] ?? '').indexOf('^');
    const shown = (lines[at] ?? '').slice(prefix);
    const sqlLines = sql.split('\n');
    const lineText = sqlLines[lineNo - 1] ?? '';
    // DuckDB may show a window of a long line ("...") rather than the whole line.
    const offsetInLine =
      caret >= prefix
        ? lineText.indexOf(shown.replace(/^\.\.\./, '').slice(0, 20)) +
          (caret - prefix) -
          (shown.startsWith('...') ? 3 : 0)
        : -1;
    if (offsetInLine >= 0)
      position = sqlLines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0) + offsetInLine;
  }
  const parserError = /^Parser Error/.test(message);
  return new QueryError(parserError ? 'syntax' : kind, consoleErrorMessage(message), position);
}
