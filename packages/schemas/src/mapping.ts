import { z } from 'zod';
import { currencyCodeSchema } from './currency.ts';
import { SECTIONS } from './sections.ts';

export const DECIMAL_SEPARATORS = ['.', ','] as const;
export type DecimalSeparator = (typeof DECIMAL_SEPARATORS)[number];
export const THOUSANDS_SEPARATORS = ['.', ',', ' ', "'"] as const;
export type ThousandsSeparator = (typeof THOUSANDS_SEPARATORS)[number];

/**
 * A table on a Trino cluster: `catalog.schema.table`, or `schema.table` / `table` relative to the
 * engine URL's catalog and schema. Unquoted names only (letters, digits, `_`, `-`).
 */
export const TABLE_NAME = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){0,2}$/;

/**
 * One section of a mapping file: where the rows are (an export `file`, or a `table` on the cluster
 * the engine URL names) and which of its columns feed which canonical column.
 */
export const sectionMappingSchema = z
  .object({
    file: z.string().min(1, 'file must name the export, relative to the mapping file').optional(),
    /** A table read in place on the engine's cluster, instead of a file. */
    table: z
      .string()
      .regex(TABLE_NAME, 'table must be a table name: catalog.schema.table, schema.table or table')
      .optional(),
    /** Without it the file uses the canonical headers (order_id, customer_id …). */
    columns: z.record(z.string(), z.string().min(1)).optional(),
    /** strptime notation (DuckDB's), e.g. "%d/%m/%Y %H:%M"; without it dates are ISO 8601. */
    dateFormat: z.string().min(1).optional(),
    /** Field delimiter; detected from the file when absent. Files only. */
    delimiter: z.string().min(1).max(2).optional(),
    /** "," for exports that write 12,50; "." by default. */
    decimalSeparator: z.enum(DECIMAL_SEPARATORS).optional(),
    /**
     * Between groups of three digits: "." for 1.234,50, "," for 1,234.50, " " for 1 234,50 (also a
     * no-break space), "'" for 1'234.50. Values must then fit that pattern exactly.
     */
    thousandsSeparator: z.enum(THOUSANDS_SEPARATORS).optional(),
    /** Line-item exports: lines with negative quantity or amount become returns. */
    negativeLinesAreReturns: z.boolean().optional(),
    /** Drop lines with no customer id (and report how many) instead of rejecting the file. */
    skipRowsWithoutCustomer: z.boolean().optional(),
  })
  .strict()
  .superRefine((section, ctx) => {
    if (section.file === undefined && section.table === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['file'],
        message: 'a section names its rows: a "file" (an export) or a "table" (on a Trino cluster)',
      });
    } else if (section.file !== undefined && section.table !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['table'],
        message: 'a section names a "file" or a "table", not both',
      });
    } else if (section.table !== undefined && section.delimiter !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['delimiter'],
        message: 'a table has no delimiter: "delimiter" applies to a "file" only',
      });
    }
  });
export type SectionMapping = z.infer<typeof sectionMappingSchema>;

export const mappingFileSchema = z
  .object({
    customers: sectionMappingSchema.optional(),
    purchases: sectionMappingSchema.optional(),
    complaints: sectionMappingSchema.optional(),
    returns: sectionMappingSchema.optional(),
    /** The currency of the amounts, an ISO 4217 code ("EUR"); stored with the data by the load. */
    currency: currencyCodeSchema.optional(),
  })
  .strict();
export type MappingFile = z.infer<typeof mappingFileSchema>;

/** What a first look at an uploaded export finds (the dashboard's Data page shows it). */
export const sourceInspectionSchema = z.object({
  name: z.string(),
  format: z.enum(['csv', 'parquet', 'json']),
  delimiter: z.string().nullable(),
  headers: z.array(z.string()),
  /** The first rows, every value as text. */
  sample: z.array(z.array(z.string())),
  proposal: z.object({
    section: z.enum(SECTIONS),
    /** canonical column → header */
    columns: z.record(z.string(), z.string()),
    /** 0–1: share of the section's required columns found. */
    confidence: z.number(),
    /** The columns proposed had the file held another section, for when the user says it does. */
    sections: z.record(
      z.enum(SECTIONS),
      z.object({ columns: z.record(z.string(), z.string()), confidence: z.number() }),
    ),
    /** null: ISO 8601, or undecided (see dateFormatChoices). */
    dateFormat: z.string().nullable(),
    /**
     * Formats every date fits equally (03/01/2025: 3 January or 1 March): the user must choose one;
     * dateFormat is null then. Empty when the values decide.
     */
    dateFormatChoices: z.array(z.string()),
    decimalSeparator: z.enum(DECIMAL_SEPARATORS),
    thousandsSeparator: z.enum(THOUSANDS_SEPARATORS).nullable(),
    /**
     * Separators every number fits equally (1.234: 1.234 or 1234): the user must choose; the
     * separators above are the first choice then. Empty when the values decide.
     */
    numberFormatChoices: z.array(
      z.object({
        decimalSeparator: z.enum(DECIMAL_SEPARATORS),
        thousandsSeparator: z.enum(THOUSANDS_SEPARATORS).nullable(),
      }),
    ),
  }),
  notes: z.array(z.string()),
});
export type SourceInspection = z.infer<typeof sourceInspectionSchema>;
