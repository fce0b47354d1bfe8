import {
  describeParameterProblem,
  type IngestIssue,
  type IngestSetting,
  type LoadError,
  type LoadErrorCode,
  type ParameterProblem,
  type Section,
} from '@retain/schemas';

/** What a refused load is about, so that each front end can word it for its own users. */
export interface BadInputDetail {
  code?: LoadErrorCode;
  /** The setting that would fix it: a mapping file's key, a control of the Data page. */
  field?: IngestSetting;
  section?: Section;
  /** The file by the name its user knows it (never a server's folder). */
  file?: string;
  params?: LoadError['params'];
}

/** Input the user can fix (bad file, bad mapping, bad values): the CLI exits 2. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  constructor(
    message: string,
    readonly issues: IngestIssue[] = [],
    /** Total problems found; `issues` lists at most the first few. */
    readonly totalIssues = issues.length,
    readonly detail: BadInputDetail = {},
  ) {
    super(message);
  }

  get code(): LoadErrorCode {
    return this.detail.code ?? (this.issues.length > 0 ? 'problems' : 'other');
  }

  /** What a front end needs to word the error itself (file names only, never a folder). */
  get load(): LoadError {
    const { field, section, file, params } = this.detail;
    return {
      code: this.code,
      field: field ?? null,
      section: section ?? null,
      file: file === undefined ? null : (file.split(/[\\/]/).pop() ?? file),
      params: params ?? {},
      total: this.totalIssues,
    };
  }
}

/**
 * A parameter of a request (an as-of date, a horizon) that the data cannot answer, with its code,
 * field and value, so that each front end words it with its own name for the field (a flag in the
 * CLI, a label on the dashboard). The message names the field plainly, for logs and tests.
 */
export class ParameterError extends BadInputError {
  constructor(readonly problem: ParameterProblem) {
    super(describeParameterProblem(problem, PLAIN_NAMES[problem.field]));
  }
}

const PLAIN_NAMES: Record<ParameterProblem['field'], string> = {
  asOf: 'the as-of date',
  horizonDays: 'horizon',
  seed: 'the seed',
  modelId: 'model',
};

/**
 * The database file is held by another process (DuckDB allows one writer process). The front end
 * says what that process probably is and what to do (the CLI: stop `retain serve`, or pass --db).
 */
export class WarehouseLockedError extends Error {
  override readonly name = 'WarehouseLockedError';
  constructor(
    readonly file: string,
    readonly pid: string | null,
  ) {
    super(`The database ${file} is in use by another Retain process${pid ? ` (pid ${pid})` : ''}.`);
  }
}

export function isBadInput(error: unknown): error is BadInputError {
  return error instanceof BadInputError;
}

export type QueryErrorKind = 'syntax' | 'refused' | 'timeout' | 'runtime';

/** A query that could not run, with DuckDB's own message and, where it gave one, the position. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly kind: QueryErrorKind,
    message: string,
    /** 0-based character offset into the query text. */
    readonly position: number | null = null,
  ) {
    super(message);
  }
}
