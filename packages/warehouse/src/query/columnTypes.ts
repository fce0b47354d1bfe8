import { z } from 'zod';

/*
 * Schemas for result columns as the engine hands them to JavaScript: integers may arrive as
 * BigInt (counts, BIGINT columns), dates and timestamps as Date. Row schemas are built from these
 * (`z.object({ n: dbCount })`), so a row is typed and checked in one step.
 */

/** Any numeric column, as a number (BigInt counts included). */
export const dbNumber = z.union([z.number(), z.bigint()]).transform((value) => Number(value));

/** A numeric column that may be NULL. */
export const dbNullableNumber = dbNumber.nullable();

/** A text column. */
export const dbText = z.string();

/** A boolean column. */
export const dbBoolean = z.boolean();

/** A DATE or TIMESTAMP column as its UTC day, 'YYYY-MM-DD'. */
export const dbDay = z.date().transform((date) => date.toISOString().slice(0, 10));

/** A TIMESTAMP column as an ISO instant to the second, 'YYYY-MM-DDTHH:MM:SSZ' (UTC). */
export const dbInstant = z.date().transform((date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Any row, as a record of column values (for readers that check each column as they read it). */
export const dbRecord = z.record(z.string(), z.unknown());

/** A row schema from its columns' schemas: `dbRow({ id: dbText, n: dbNumber })`. */
export function dbRow<T extends z.ZodRawShape>(columns: T): z.ZodObject<T> {
  return z.object(columns);
}
