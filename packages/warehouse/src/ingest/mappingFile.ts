import fs from 'node:fs';
import path from 'node:path';
import { type MappingFile, mappingFileSchema, SECTIONS } from '@retain/schemas';
import { BadInputError } from '../errors.ts';
import { closest } from './closest.ts';
import type { SectionRequest } from './plan.ts';

/** Reads and checks a mapping file; `file` paths are resolved against the mapping file's folder. */
export function readMappingFile(mappingPath: string): SectionRequest[] {
  let text: string;
  try {
    text = fs.readFileSync(mappingPath, 'utf8');
  } catch {
    throw new BadInputError(`mapping file not found: ${mappingPath}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new BadInputError(
      `${mappingPath}: not valid JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
  return mappingToRequests(json, path.dirname(path.resolve(mappingPath)), mappingPath);
}

export function mappingToRequests(json: unknown, baseDir: string, label = 'mapping'): SectionRequest[] {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of Object.keys(json)) {
      if (!(SECTIONS as readonly string[]).includes(key)) {
        const hint = closest(key, SECTIONS);
        throw new BadInputError(
          `${label}: unknown section "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; sections are ${SECTIONS.join(', ')}.`,
        );
      }
    }
  }
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || '(top level)';
    throw new BadInputError(`${label}: ${where}: ${first?.message ?? 'invalid mapping'}`);
  }
  const mapping: MappingFile = parsed.data;
  const requests: SectionRequest[] = [];
  for (const section of SECTIONS) {
    const entry = mapping[section];
    if (!entry) continue;
    requests.push({
      section,
      file: path.resolve(baseDir, entry.file),
      columns: entry.columns,
      dateFormat: entry.dateFormat,
      delimiter: entry.delimiter,
      decimalSeparator: entry.decimalSeparator,
      negativeLinesAreReturns: entry.negativeLinesAreReturns,
      skipRowsWithoutCustomer: entry.skipRowsWithoutCustomer,
    });
  }
  if (requests.length === 0) throw new BadInputError(`${label}: names no section (${SECTIONS.join(', ')}).`);
  return requests;
}
