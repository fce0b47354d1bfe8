import { z } from 'zod';

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

/** One problem found while validating an export: everything a user needs to find and fix it. */
export const ingestIssueSchema = z.object({
  file: z.string(),
  /** Line as an editor shows it (header = line 1); for JSON arrays and Parquet the record number. */
  line: z.number().int().nullable(),
  lineKind: z.enum(['line', 'record', 'row']).default('line'),
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});
export type IngestIssue = z.infer<typeof ingestIssueSchema>;
