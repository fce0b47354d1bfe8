import { describe, expect, it } from 'vitest';
import { flagOf, parameterMessage } from './flagNames.ts';

describe('flagOf', () => {
  it('names a field by the flag that sets it', () => {
    expect(flagOf('asOf')).toBe('--as-of');
    expect(flagOf('horizonDays')).toBe('--horizon');
    expect(flagOf('minProbability')).toBe('--min-probability');
  });
});

describe('parameterMessage', () => {
  it('words a package’s parameter error with the CLI’s flags', () => {
    expect(
      parameterMessage({
        code: 'afterDataEnd',
        field: 'asOf',
        value: '2025-01-01',
        params: { dataEnd: '2024-12-31' },
        explanation: 'train at or before the data’s end.',
      }),
    ).toBe(
      '--as-of 2025-01-01 is after the end of the data (2024-12-31): train at or before the data’s end.',
    );
    expect(
      parameterMessage({
        code: 'tooLittleHistory',
        field: 'horizonDays',
        value: 90,
        params: { dataStart: '2024-01-01', asOf: '2024-03-01', needsFrom: '2023-12-03' },
        explanation: null,
      }),
    ).toBe(
      'Too little history to train: the orders start on 2024-01-01, and a 90-day horizon needs orders from ' +
        'before 2023-12-03 for the as-of date 2024-03-01. Use a shorter --horizon.',
    );
  });

  it('adds the next step on the command line where there is one', () => {
    expect(
      parameterMessage({ code: 'notFound', field: 'modelId', value: 'm-9', params: {}, explanation: null }),
    ).toBe('--model m-9 is not a ready model version: see `retain models`.');
  });
});
