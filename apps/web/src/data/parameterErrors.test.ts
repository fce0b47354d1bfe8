import type { ParameterProblem } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { parameterErrorText, parameterProblemOf } from './parameterErrors.ts';

const tooLittle: ParameterProblem = {
  code: 'tooLittleHistory',
  field: 'horizonDays',
  value: 90,
  params: { dataStart: '2024-01-01', asOf: '2024-03-01', needsFrom: '2023-12-03' },
  explanation: null,
};

describe('parameterErrorText', () => {
  it('words a refused setting with the dashboard’s labels, never a flag', () => {
    const text = parameterErrorText(tooLittle);
    expect(text).toBe(
      'Too little history to train: the orders start on 2024-01-01, and a 90-day horizon needs orders from ' +
        'before 2023-12-03 for the as-of date 2024-03-01. Use a shorter churn horizon.',
    );
    expect(text).not.toContain('--');
    expect(
      parameterErrorText({
        code: 'afterDataEnd',
        field: 'asOf',
        value: '2025-01-01',
        params: { dataEnd: '2024-12-31' },
        explanation: null,
      }),
    ).toBe('As of 2025-01-01 is after the end of the data (2024-12-31).');
  });
});

describe('parameterProblemOf', () => {
  it('reads the problem a failed call carries, and nothing from other errors', () => {
    expect(parameterProblemOf({ message: 'x', data: { code: 'BAD_REQUEST', parameter: tooLittle } })).toEqual(
      tooLittle,
    );
    expect(parameterProblemOf({ data: { code: 'BAD_REQUEST', parameter: { code: 'nope' } } })).toBeNull();
    expect(parameterProblemOf(new Error('plain'))).toBeNull();
  });
});
