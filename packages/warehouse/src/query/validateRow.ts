import type { z } from 'zod';

/** A row as its schema reads it, or an error naming the row and the offending column. */
export function validateRow<S extends z.ZodType>(schema: S, row: unknown, index: number): z.output<S> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const column = issue?.path.join('.') || 'value';
  throw new Error(
    `result row ${index + 1}: column ${column}: ${issue?.message ?? 'does not match its schema'}`,
  );
}
