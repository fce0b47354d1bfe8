import { BadInputError, ParameterError, WarehouseLockedError } from '@retain/warehouse/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, reportError } from './errors.ts';

/** What reportError writes to standard error, and the exit code it returns. */
function report(error: unknown): { code: number; stderr: string } {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    return { code: reportError(error, false), stderr: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('reportError words package errors for the terminal', () => {
  it('a parameter with its flag, exit code 2', () => {
    const error = new ParameterError({
      code: 'beforeDataStart',
      field: 'asOf',
      value: '2019-01-01',
      params: { dataStart: '2020-01-05' },
      explanation: null,
    });
    expect(error.message).toBe('The as-of date 2019-01-01 is before the first order (2020-01-05).');
    expect(report(error)).toEqual({
      code: EXIT.badInput,
      stderr: 'error: --as-of 2019-01-01 is before the first order (2020-01-05).',
    });
  });

  it('no scores yet with the commands that make them', () => {
    class NoScores extends BadInputError {
      readonly noScores = true;
    }
    const { code, stderr } = report(new NoScores('No churn scores yet.'));
    expect(code).toBe(EXIT.badInput);
    expect(stderr).toContain('run `retain train` and then `retain score`');
  });

  it('a database held by another process with what that probably is and what to do', () => {
    const error = new WarehouseLockedError('/srv/retain.duckdb', '4242');
    expect(error.message).toBe(
      'The database /srv/retain.duckdb is in use by another Retain process (pid 4242).',
    );
    const { code, stderr } = report(error);
    expect(code).toBe(EXIT.internal);
    expect(stderr).toBe(
      'error: The database /srv/retain.duckdb is in use by another Retain process (pid 4242), probably ' +
        '`retain serve` or `npm start`. Stop it, or use the dashboard’s Data page, or pass --db for another file.',
    );
  });
});
