import { z } from 'zod';
import { SECTIONS } from './sections.ts';

export const sectionSummarySchema = z.object({
  /** Data rows read from the section's file(s), header excluded. */
  rows: z.number().int(),
  inserted: z.number().int(),
  /** Rows already in the warehouse (or repeated within this run), left as they were. */
  duplicates: z.number().int(),
  /** Rows dropped on purpose, e.g. lines without a customer under `skipRowsWithoutCustomer`. */
  skipped: z.number().int(),
  /** Rows whose id was known but whose content changed (customers, complaints, returns). */
  updated: z.number().int().default(0),
  /** Purchases only: negative lines sent to returns under `negativeLinesAreReturns`. */
  toReturns: z.number().int().default(0),
  files: z.array(z.string()).default([]),
});
export type SectionSummary = z.infer<typeof sectionSummarySchema>;

export const ingestSummarySchema = z.object({
  purchases: sectionSummarySchema,
  complaints: sectionSummarySchema,
  returns: sectionSummarySchema,
  customers: sectionSummarySchema,
  dataVersion: z.number().int(),
  warnings: z.array(z.string()).default([]),
  seconds: z.number(),
});
export type IngestSummary = z.infer<typeof ingestSummarySchema>;

/**
 * The settings of a load (the keys of a mapping file's section, the controls of the Data page).
 * A problem names the one that would fix it; each front end says where that setting is.
 */
export const INGEST_SETTINGS = [
  'file',
  'columns',
  'dateFormat',
  'decimalSeparator',
  'thousandsSeparator',
  'delimiter',
  'skipRowsWithoutCustomer',
  'currency',
] as const;
export type IngestSetting = (typeof INGEST_SETTINGS)[number];

/** What is wrong with one value or line of an export. */
export const INGEST_ISSUE_CODES = [
  'date',
  'number',
  'yesNo',
  'severity',
  'required',
  'timeZone',
  'nested',
  'nul',
  'resolvedBeforeOpened',
  'conflictingId',
  'malformed',
] as const;
export type IngestIssueCode = (typeof INGEST_ISSUE_CODES)[number];

/** One problem found while validating an export: everything a user needs to find and fix it. */
export const ingestIssueSchema = z.object({
  file: z.string(),
  /** Line as an editor shows it (header = line 1); for JSON arrays and Parquet the record number. */
  line: z.number().int().nullable(),
  lineKind: z.enum(['line', 'record', 'row']).default('line'),
  column: z.string().nullable(),
  value: z.string().nullable(),
  /** What is wrong, in words that fit any front end (no advice on where to change a setting). */
  reason: z.string(),
  code: z.enum(INGEST_ISSUE_CODES).default('malformed'),
  /** The setting that may be wrong rather than the value (e.g. dateFormat for a date that does not parse). */
  field: z.enum(INGEST_SETTINGS).nullable().default(null),
});
export type IngestIssue = z.infer<typeof ingestIssueSchema>;

/** Why a load was refused as a whole; with `problems` the issues say where. */
export const LOAD_ERROR_CODES = [
  'problems',
  'unreadable',
  'fileMissing',
  'fileEmpty',
  'notGzip',
  'invalidSetting',
  'unknownColumn',
  'unmappedColumn',
  'missingHeader',
  'repeatedHeader',
  'mapping',
  'outsideFolder',
  'loadFailed',
  'nothingToLoad',
  'currency',
  'other',
] as const;
export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number];

/** A refused load as the API hands it to the dashboard, which words it for its own controls. */
export const loadErrorSchema = z.object({
  code: z.enum(LOAD_ERROR_CODES),
  field: z.enum(INGEST_SETTINGS).nullable(),
  section: z.enum(SECTIONS).nullable(),
  /** The file by the name its user knows (an upload's name), never a server path. */
  file: z.string().nullable(),
  /** What the wording needs: the canonical column, the header, its positions, the value given … */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string()), z.array(z.number())])),
  total: z.number().int(),
});
export type LoadError = z.infer<typeof loadErrorSchema>;
