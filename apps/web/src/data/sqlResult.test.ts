import { describe, expect, it } from 'vitest';
import { axisLabel, lineColumn, type QueryResult, resultChartRows, suggestChart } from './sqlResult.ts';

const result: QueryResult = {
  columns: [
    { name: 'month', type: 'DATE' },
    { name: 'region', type: 'VARCHAR' },
    { name: 'revenue', type: 'DOUBLE' },
    { name: 'orders', type: 'BIGINT' },
  ],
  rows: [
    ['2024-01-01', 'North', 10.5, 3],
    ['2024-02-01', 'North', null, 4],
  ],
  truncated: false,
  elapsedMs: 3,
};

describe('sql result helpers', () => {
  it('suggests a line chart over a date axis with the numeric columns', () => {
    expect(suggestChart(result.columns)).toEqual({ kind: 'line', x: 'month', y: ['revenue', 'orders'] });
    expect(
      suggestChart([
        { name: 'region', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ]),
    ).toMatchObject({ kind: 'bar' });
    expect(suggestChart([{ name: 'name', type: 'VARCHAR' }]).kind).toBe('none');
  });

  it('reshapes rows for the chart', () => {
    expect(resultChartRows(result, { kind: 'line', x: 'month', y: ['revenue', 'orders'] })).toEqual([
      { x: '2024-01-01', y0: 10.5, y1: 3 },
      { x: '2024-02-01', y0: null, y1: 4 },
    ]);
  });

  it('turns an error offset into line and column', () => {
    expect(lineColumn('SELECT *\nFROM nope', 14)).toEqual({ line: 2, column: 6 });
    expect(lineColumn('SELEC 1', 0)).toEqual({ line: 1, column: 1 });
  });

  it('labels midnight timestamps by their day', () => {
    expect(axisLabel('2024-01-01 00:00:00')).toBe('2024-01-01');
    expect(axisLabel('2024-01-01 10:30:00')).toBe('2024-01-01 10:30:00');
    expect(axisLabel(3)).toBe('3');
  });
});
