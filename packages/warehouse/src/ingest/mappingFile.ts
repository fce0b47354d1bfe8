import fs from 'node:fs';
import path from 'node:path';
import { type MappingFile, mappingFileSchema, SECTIONS } from '@retain/schemas';
import { BadInputError } from '../errors.ts';
import { closest } from './closest.ts';
import { scanJsonText } from './jsonLayout.ts';
import type { SectionRequest } from './plan.ts';

export interface MappingFileOptions {
  /**
   * Let the mapping name files outside its own folder (`../exports/x.csv`, `/srv/erp/x.csv`, or a
   * link that leads out). Off by default: a mapping received from someone else must not be able
   * to read, and quote back in an error, any file the user can read.
   */
  allowFilesOutsideFolder?: boolean;
}

/** Reads and checks a mapping file; `file` paths are resolved against the mapping file's folder. */
export function readMappingFile(mappingPath: string, options: MappingFileOptions = {}): SectionRequest[] {
  const json = readMappingJson(mappingPath);
  const folder = path.dirname(path.resolve(mappingPath));
  const requests = mappingToRequests(json, folder, mappingPath).map((r) => ({ ...r, origin: mappingPath }));
  if (!options.allowFilesOutsideFolder) {
    for (const request of requests) assertInside(folder, request, mappingPath, json);
  }
  return requests;
}

/** A mapping file's JSON as written (not yet checked: see parseMapping). */
export function readMappingJson(mappingPath: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(mappingPath, 'utf8');
  } catch {
    throw new BadInputError(`mapping file not found: ${mappingPath}`, [], 0, { code: 'mapping' });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // Node's message quotes the text around the error; the line is enough to find it.
    const found = scanJsonText(text.replace(/^\uFEFF/, '')).error;
    throw new BadInputError(
      `${mappingPath}: not valid JSON${found ? ` (line ${found.line}: ${found.reason.replace(/^not valid JSON: /, '')})` : ''}.`,
      [],
      0,
      { code: 'mapping' },
    );
  }
}

/** Checks a mapping's sections and keys; a mistake names its place (`mapping.json: purchases.table`). */
export function parseMapping(json: unknown, label = 'mapping'): MappingFile {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of Object.keys(json)) {
      if (key !== 'currency' && !(SECTIONS as readonly string[]).includes(key)) {
        const hint = closest(key, SECTIONS);
        throw new BadInputError(
          `${label}: unknown section "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; sections are ${SECTIONS.join(', ')}.`,
          [],
          0,
          { code: 'mapping' },
        );
      }
    }
  }
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || '(top level)';
    throw new BadInputError(`${label}: ${where}: ${first?.message ?? 'invalid mapping'}`, [], 0, {
      code: 'mapping',
    });
  }
  return parsed.data;
}

export function mappingToRequests(json: unknown, baseDir: string, label = 'mapping'): SectionRequest[] {
  const mapping = parseMapping(json, label);
  const requests: SectionRequest[] = [];
  for (const section of SECTIONS) {
    const entry = mapping[section];
    if (!entry) continue;
    if (entry.file === undefined) {
      // A table lives on a cluster and is read there in place; the database file loads files.
      throw new BadInputError(
        `${path.basename(label)}: ${section}.table "${entry.table}" names a table on a cluster; ` +
          'a table is mapped in place on a Trino engine, not loaded into the database file.',
        [],
        0,
        { code: 'mapping', field: 'file', section, params: { table: entry.table ?? '' } },
      );
    }
    requests.push({
      section,
      file: path.resolve(baseDir, entry.file),
      columns: entry.columns,
      dateFormat: entry.dateFormat,
      delimiter: entry.delimiter,
      decimalSeparator: entry.decimalSeparator,
      thousandsSeparator: entry.thousandsSeparator,
      negativeLinesAreReturns: entry.negativeLinesAreReturns,
      skipRowsWithoutCustomer: entry.skipRowsWithoutCustomer,
      currency: mapping.currency,
    });
  }
  if (requests.length === 0) {
    throw new BadInputError(`${label}: names no section (${SECTIONS.join(', ')}).`, [], 0, {
      code: 'mapping',
    });
  }
  return requests;
}

/**
 * The file must lie in the mapping's folder or below it, links followed. The message repeats what
 * the mapping says, never anything read from the file it points at.
 */
function assertInside(folder: string, request: SectionRequest, mappingPath: string, json: unknown): void {
  const written = (json as Record<string, { file?: string }>)[request.section]?.file ?? request.file;
  const refuse = () =>
    new BadInputError(
      `${path.basename(mappingPath)}: ${request.section}.file "${written}" is outside the mapping file's folder; ` +
        'keep the exports in that folder or below it, or allow files elsewhere explicitly.',
      [],
      0,
      { code: 'outsideFolder', field: 'file', section: request.section },
    );
  if (!within(folder, request.file)) throw refuse();
  let real: string;
  try {
    real = fs.realpathSync(request.file);
  } catch {
    return; // missing: the load says "file not found", naming the path the mapping gave
  }
  if (!within(fs.realpathSync(folder), real)) throw refuse();
}

function within(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  // '' is the folder itself: not outside (the load then says it is not a file).
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
