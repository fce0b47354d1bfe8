import { z } from 'zod';
import { SECTIONS } from './sections.ts';

/** One section of a mapping file: where the export is and which of its headers feed which canonical column. */
export const sectionMappingSchema = z
  .object({
    file: z.string().min(1, 'file must name the export, relative to the mapping file'),
    columns: z.record(z.string(), z.string().min(1)).default({}),
    /** strptime notation (DuckDB's), e.g. "%d/%m/%Y %H:%M"; without it dates are ISO 8601. */
    dateFormat: z.string().min(1).optional(),
    /** Field delimiter; detected from the file when absent. */
    delimiter: z.string().min(1).max(2).optional(),
    /** "," for exports that write 12,50; "." by default. */
    decimalSeparator: z.enum(['.', ',']).optional(),
    /** Line-item exports: lines with negative quantity or amount become returns. */
    negativeLinesAreReturns: z.boolean().optional(),
    /** Drop lines with no customer id (and report how many) instead of rejecting the file. */
    skipRowsWithoutCustomer: z.boolean().optional(),
  })
  .strict();
export type SectionMapping = z.infer<typeof sectionMappingSchema>;

export const mappingFileSchema = z
  .object({
    customers: sectionMappingSchema.optional(),
    purchases: sectionMappingSchema.optional(),
    complaints: sectionMappingSchema.optional(),
    returns: sectionMappingSchema.optional(),
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
    columns: z.record(z.string(), z.string()),
    confidence: z.number(),
    dateFormat: z.string().nullable(),
    decimalSeparator: z.enum(['.', ',']),
  }),
  notes: z.array(z.string()),
});
export type SourceInspection = z.infer<typeof sourceInspectionSchema>;
