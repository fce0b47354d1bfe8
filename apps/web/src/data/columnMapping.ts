import { CANONICAL_COLUMNS, type IngestIssue, type Section } from '@retain/schemas';

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
 * When the user moves a file to another section: keep what still applies, and map headers that
 * spell a canonical column of the new section (the server's proposal covered the old one only).
 */
export function remapForSection(
  section: Section,
  headers: readonly string[],
  previous: Readonly<Record<string, string>>,
): Record<string, string> {
  const wanted = mappingRows(section, {}).map((r) => r.canonical);
  const next: Record<string, string> = {};
  for (const canonical of wanted) {
    const kept = previous[canonical];
    if (kept && headers.includes(kept)) next[canonical] = kept;
  }
  const used = new Set(Object.values(next));
  for (const canonical of wanted) {
    if (next[canonical]) continue;
    const header = headers.find((h) => !used.has(h) && normalise(h) === normalise(canonical));
    if (header) {
      next[canonical] = header;
      used.add(header);
    }
  }
  return next;
}

/** "orders.csv, line 3, column order_date (“2024-02-30”): not a valid date". */
export function describeIssue(issue: IngestIssue): string {
  const where = [
    issue.file,
    issue.line === null ? null : `${issue.lineKind} ${issue.line.toLocaleString()}`,
    issue.column === null ? null : `column ${issue.column}`,
  ]
    .filter(Boolean)
    .join(', ');
  const value = issue.value === null ? '' : ` (“${issue.value}”)`;
  return `${where}${value}: ${issue.reason}`;
}
