import {
  CANONICAL_COLUMNS,
  type DecimalSeparator,
  type IngestIssue,
  type IngestSetting,
  type Section,
  type SourceInspection,
  type ThousandsSeparator,
} from '@retain/schemas';

export interface MappingRow {
  canonical: string;
  required: boolean;
  /** The export's header feeding this column, or null when it is not mapped. */
  header: string | null;
}

/** Every canonical column of the section, required first, with the header mapped to it. */
export function mappingRows(section: Section, columns: Readonly<Record<string, string>>): MappingRow[] {
  const { required, optional } = CANONICAL_COLUMNS[section];
  return [
    ...required.map((canonical) => ({ canonical, required: true, header: columns[canonical] ?? null })),
    ...optional.map((canonical) => ({ canonical, required: false, header: columns[canonical] ?? null })),
  ];
}

/** Required columns with no header: the load would be refused, so the button waits for them. */
export function missingRequired(section: Section, columns: Readonly<Record<string, string>>): string[] {
  return CANONICAL_COLUMNS[section].required.filter((c) => !columns[c]);
}

/** Sets (or clears, with null) the header of one canonical column; a header feeds one column only. */
export function setMapping(
  columns: Readonly<Record<string, string>>,
  canonical: string,
  header: string | null,
): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [c, h] of Object.entries(columns)) if (c !== canonical && h !== header) next[c] = h;
  if (header) next[canonical] = header;
  return next;
}

const normalise = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/**
 * When the user moves a file to another section: keep what still applies, then take the server's
 * proposal for that section (`proposed`), then headers that spell a canonical column.
 */
export function remapForSection(
  section: Section,
  headers: readonly string[],
  previous: Readonly<Record<string, string>>,
  proposed: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const wanted = mappingRows(section, {}).map((r) => r.canonical);
  const next: Record<string, string> = {};
  const used = new Set<string>();
  const take = (canonical: string, header: string | undefined) => {
    if (!header || next[canonical] || used.has(header) || !isHeaderOf(headers, header)) return;
    next[canonical] = header;
    used.add(header);
  };
  for (const canonical of wanted) take(canonical, previous[canonical]);
  for (const canonical of wanted) take(canonical, proposed[canonical]);
  for (const canonical of wanted)
    take(
      canonical,
      headers.find((h) => normalise(h) === normalise(canonical)),
    );
  return next;
}

/** A mapped value names a header, or a column by position ("#5") where a header appears twice. */
function isHeaderOf(headers: readonly string[], value: string): boolean {
  const position = /^#(\d+)$/.exec(value);
  return headers.includes(value) || (position !== null && Number(position[1]) <= headers.length);
}

/**
 * The choices of the mapping table: each header once; a header that appears more than once is
 * offered per column, by position ("#5"), which is how a load picks one of them.
 */
export function headerOptions(headers: readonly string[]): Array<{ value: string; label: string }> {
  return headers.map((header, i) =>
    headers.indexOf(header) === headers.lastIndexOf(header)
      ? { value: header, label: header }
      : { value: `#${i + 1}`, label: `${header} (column ${i + 1})` },
  );
}

/** The position of a mapped header among the file's columns, -1 when unmapped. */
export function headerIndex(headers: readonly string[], value: string | null): number {
  if (value === null) return -1;
  const position = /^#(\d+)$/.exec(value);
  return position ? Number(position[1]) - 1 : headers.indexOf(value);
}

/** How the user has set up one file; undefined where the values left a choice to the user. */
export interface FileSettings {
  section: Section;
  columns: Record<string, string>;
  /** null: ISO 8601. */
  dateFormat: string | null | undefined;
  decimalSeparator: DecimalSeparator | undefined;
  thousandsSeparator: ThousandsSeparator | null | undefined;
}

/** The proposal as the page's controls show it; what the values could not decide stays unset. */
export function settingsFromProposal(proposal: SourceInspection['proposal']): FileSettings {
  const undecidedNumbers = proposal.numberFormatChoices.length > 1;
  return {
    section: proposal.section,
    columns: proposal.columns,
    dateFormat: proposal.dateFormatChoices.length > 1 ? undefined : proposal.dateFormat,
    decimalSeparator: undecidedNumbers ? undefined : proposal.decimalSeparator,
    thousandsSeparator: undecidedNumbers ? undefined : proposal.thousandsSeparator,
  };
}

/** What the user still has to do before the file can load, in words; empty when nothing. */
export function choicesLeft(settings: FileSettings): string[] {
  const left: string[] = [];
  if (settings.dateFormat === undefined) left.push('Choose the date format: day first or month first.');
  if (settings.decimalSeparator === undefined || settings.thousandsSeparator === undefined)
    left.push('Choose the decimal and thousands separators.');
  else if (settings.thousandsSeparator === settings.decimalSeparator)
    left.push('Choose a thousands separator other than the decimal separator.');
  const missing = missingRequired(settings.section, settings.columns);
  if (missing.length > 0)
    left.push(`Map the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`);
  return left;
}

const EXAMPLE: Record<string, string> = { d: '31', m: '01', Y: '2024', y: '24', H: '14', M: '05', S: '00' };

/** "31/01/2024 14:05 (day first)" for "%d/%m/%Y %H:%M"; ISO 8601 for null. */
export function dateFormatLabel(format: string | null): string {
  if (format === null) return 'ISO 8601 (2024-01-31)';
  const example = format.replace(/%([a-zA-Z])/g, (spec, c: string) => EXAMPLE[c] ?? spec);
  const day = format.indexOf('%d');
  const month = format.indexOf('%m');
  const order =
    day < 0 || month < 0 || format.startsWith('%Y') ? '' : day < month ? ', day first' : ', month first';
  return `${example} (${format}${order})`;
}

/** "1.234,50" for a decimal comma with "." between thousands. */
export function numberFormatLabel(decimal: DecimalSeparator, thousands: ThousandsSeparator | null): string {
  return `1${thousands ?? ''}234${decimal}50`;
}

/** Where each setting is on the Data page, for problems a setting may cause. */
const SETTING_HINTS: Partial<Record<IngestSetting, string>> = {
  dateFormat: 'choose the Date format above',
  decimalSeparator: 'choose the Decimal and Thousands separators above',
  thousandsSeparator: 'choose the Decimal and Thousands separators above',
  skipRowsWithoutCustomer: 'or tick “Skip rows without a customer” above',
};

/**
 * "orders.csv, line 3, column order_date (“2024-02-30”): not a date …; choose the Date format above".
 * Without the file name where the file is named already (`withFile: false`).
 */
export function describeIssue(issue: IngestIssue, { withFile = true } = {}): string {
  const where = [
    withFile ? issue.file : null,
    issue.line === null ? null : `${issue.lineKind} ${issue.line.toLocaleString()}`,
    issue.column === null ? null : `column ${issue.column}`,
  ]
    .filter(Boolean)
    .join(', ');
  const value = issue.value === null ? '' : ` (“${issue.value}”)`;
  const hint = issue.field ? SETTING_HINTS[issue.field] : undefined;
  const located = `${where}${value}`.trim();
  const text = `${located ? `${located}: ` : ''}${issue.reason}${hint ? `; ${hint}` : ''}`;
  return withFile ? text : text.charAt(0).toUpperCase() + text.slice(1);
}
