import type { IngestIssue } from '@retain/schemas';

/** Input the user can fix (bad file, bad mapping, bad values): the CLI exits 2. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  constructor(
    message: string,
    readonly issues: IngestIssue[] = [],
    /** Total problems found; `issues` lists at most the first few. */
    readonly totalIssues = issues.length,
  ) {
    super(message);
  }
}

/** The database file is held by another process (DuckDB allows one writer process). */
export class WarehouseLockedError extends Error {
  override readonly name = 'WarehouseLockedError';
}

export function isBadInput(error: unknown): error is BadInputError {
  return error instanceof BadInputError;
}
