import type { IngestIssue, LoadError } from '@retain/schemas';
import { describeIssue } from './columnMapping.ts';

/*
 * A refused load, worded for the Data page. The server sends what went wrong as codes (which
 * setting, which file, which column); the words here point at this page's controls, where the
 * command line points at its flags and mapping file.
 */

export interface LoadErrorText {
  /** One sentence: what was refused and why. */
  summary: string;
  /** The problems by file and line, each with the control that may fix it. */
  issues: string[];
}

/** The load error and issues a failed tRPC call carries, read by shape; null when it has none. */
export function loadErrorOf(error: unknown): { load: LoadError | null; issues: IngestIssue[] } {
  const data =
    typeof error === 'object' && error !== null && 'data' in error ? (error as { data: unknown }).data : null;
  if (typeof data !== 'object' || data === null) return { load: null, issues: [] };
  const { load, issues } = data as { load?: LoadError | null; issues?: IngestIssue[] | null };
  return { load: load ?? null, issues: Array.isArray(issues) ? issues : [] };
}

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Words a refused load for the page. `message` is the server's own (the command line's words),
 * shown only for errors the page has no words for.
 */
export function describeLoadError(error: unknown, message: string): LoadErrorText {
  const { load, issues } = loadErrorOf(error);
  const described = issues.map((issue) => describeIssue(issue));
  if (!load) return { summary: message, issues: described };
  const file = load.file ?? 'the file';
  const p = load.params;
  const column = text(p.column);
  switch (load.code) {
    case 'problems': {
      const files = [...new Set(issues.map((i) => i.file))];
      const more = load.total > issues.length ? ` (the first ${issues.length} below)` : '';
      return { summary: `${plural(load.total, 'problem')} in ${list(files)}${more}.`, issues: described };
    }
    case 'unreadable':
      return { summary: `${file} cannot be read.`, issues: described };
    case 'fileMissing':
      return { summary: `${file} is no longer on the server: remove it and upload it again.`, issues: [] };
    case 'fileEmpty':
      return { summary: `${file} is empty.`, issues: [] };
    case 'notGzip':
      return {
        summary: `${file} is not gzip-compressed, though its name ends in .gz: compress it, or upload it without .gz.`,
        issues: [],
      };
    case 'invalidSetting':
      return {
        summary:
          load.field === 'thousandsSeparator'
            ? `${file}: the thousands separator is also the decimal separator; choose different separators above.`
            : load.field === 'dateFormat'
              ? `${file}: the date format “${text(p.value)}” cannot be used; choose another Date format above.`
              : message,
        issues: [],
      };
    case 'unmappedColumn':
      return { summary: `${file}: choose the column for ${column} in the mapping table above.`, issues: [] };
    case 'missingHeader':
      return {
        summary: `${file} has no column “${text(p.header)}” (for ${column}); choose one of its columns in the mapping table above.`,
        issues: [],
      };
    case 'repeatedHeader': {
      const positions = Array.isArray(p.positions) ? p.positions.map(String) : [];
      return {
        summary:
          `“${text(p.header)}” appears ${positions.length === 2 ? 'twice' : `${positions.length} times`} in the header of ${file} ` +
          `(columns ${list(positions)}); choose one of them by its column number for ${column} in the mapping table above.`,
        issues: [],
      };
    }
    case 'loadFailed': {
      const files = Array.isArray(p.files) ? p.files.map(String) : [];
      return {
        summary: `${list(files) || 'The files'} could not be loaded (${text(p.why)}), and no single line is to blame.`,
        issues: described,
      };
    }
    case 'nothingToLoad':
      return { summary: 'Choose at least one file to load.', issues: [] };
    default:
      return { summary: message, issues: described };
  }
}
