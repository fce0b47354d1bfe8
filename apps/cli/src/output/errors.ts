import path from 'node:path';
import { EngineError } from '@retain/trino/engineError';
import { EngineConfigError } from '@retain/trino/engineUrl';
import { BadInputError, ParameterError, QueryError, WarehouseLockedError } from '@retain/warehouse/errors';
import { parameterMessage } from './flagNames.ts';

/** Exit codes: 0 ok, 2 bad input (the user can fix it), 1 internal error. */
export const EXIT = { ok: 0, internal: 1, badInput: 2 } as const;

export class UsageError extends Error {}

/** Prints an error the way a user can act on it and returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof ParameterError) {
    // Packages name the field as the API does; the terminal names the flag.
    const message = parameterMessage(error.problem);
    console.error(`error: ${message}`);
    if (json) console.log(JSON.stringify({ error: { message, parameter: error.problem } }, null, 2));
    return EXIT.badInput;
  }
  if (error instanceof BadInputError && 'noScores' in error && error.noScores === true) {
    console.error(
      'error: No churn scores yet: run `retain train` and then `retain score` (or start `retain serve`, which trains a first model).',
    );
    return EXIT.badInput;
  }
  if (error instanceof BadInputError) {
    const lines = [`error: ${error.message}`];
    for (const issue of error.issues) {
      const where = issue.line === null ? '' : `:${issue.line}`;
      const kind = issue.lineKind === 'line' ? '' : ` (${issue.lineKind} ${issue.line})`;
      const column = issue.column === null ? '' : `  column "${issue.column}"`;
      const value = issue.value === null ? '' : ` = ${JSON.stringify(issue.value)}`;
      lines.push(
        `  ${path.basename(issue.file)}${kind ? '' : where}${kind}${column}${value}: ${issue.reason}`,
      );
    }
    if (error.totalIssues > error.issues.length) {
      lines.push(`  … and ${error.totalIssues - error.issues.length} more (${error.totalIssues} in all)`);
    }
    console.error(lines.join('\n'));
    if (json) {
      console.log(
        JSON.stringify(
          { error: { message: error.message, issues: error.issues, total: error.totalIssues } },
          null,
          2,
        ),
      );
    }
    return EXIT.badInput;
  }
  if (error instanceof QueryError) {
    console.error(`error: ${error.message}`);
    if (json)
      console.log(
        JSON.stringify({ error: { message: error.message, kind: error.kind, position: error.position } }),
      );
    return EXIT.badInput;
  }
  if (error instanceof WarehouseLockedError) {
    console.error(
      `error: The database ${error.file} is in use by another Retain process${error.pid ? ` (pid ${error.pid})` : ''}, ` +
        'probably `retain serve` or `npm start`. Stop it, or use the dashboard’s Data page, or pass --db for another file.',
    );
    return EXIT.internal;
  }
  if (error instanceof EngineConfigError) {
    // RETAIN_ENGINE is checked when the environment is read: a URL refused here came from --engine.
    const message = `--engine: ${error.message}`;
    console.error(`error: ${message}`);
    if (json) console.log(JSON.stringify({ error: { message, code: error.code, field: error.field } }));
    return EXIT.badInput;
  }
  if (error instanceof EngineError) {
    // A table or column the engine lacks, or refused credentials, are the user's to fix (2); a
    // cluster that is down or stopped the query is an engine failure (1).
    console.error(`error: ${error.message}`);
    if (json) {
      console.log(
        JSON.stringify({
          error: { message: error.message, code: error.code, engine: error.engine, ...error.detail },
        }),
      );
    }
    return error.configuration ? EXIT.badInput : EXIT.internal;
  }
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    return EXIT.badInput;
  }
  console.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.internal;
}
