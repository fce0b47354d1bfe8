import { describe, expect, it } from 'vitest';
import {
  cohortCellFormatter,
  cohortShowFromSearch,
  cohortViewFromSearch,
  drilldownInput,
  formatCohortValue,
  selectedCellFromSearch,
} from './cohortInputs.ts';

describe('cohort view from the URL', () => {
  it('defaults to monthly customer retention over three years', () => {
    expect(cohortViewFromSearch(new URLSearchParams(''))).toEqual({
      period: 'month',
      metric: 'customers',
      mode: 'on',
      net: false,
      maxOffset: 36,
      filters: {},
    });
  });

  it('reads every control and keeps `net` for revenue only', () => {
    const view = cohortViewFromSearch(
      new URLSearchParams('period=week&metric=revenue&net=true&mode=onOrAfter&by=region&region=North'),
    );
    expect(view).toMatchObject({
      period: 'week',
      metric: 'revenue',
      net: true,
      mode: 'onOrAfter',
      by: 'region',
    });
    expect(view.filters).toEqual({ region: ['North'] });
    expect(cohortViewFromSearch(new URLSearchParams('metric=orders&net=true')).net).toBe(false);
  });

  it('drills into the selected cell with the matrix’s own definition', () => {
    const search = new URLSearchParams(
      'period=week&cell=2024-W03&offset=2&status=inactive&sort=orders&dir=asc&page=2',
    );
    const cell = selectedCellFromSearch(search);
    expect(cell).toEqual({ cohort: '2024-W03', offset: 2 });
    expect(cell && drilldownInput(cohortViewFromSearch(search), cell, search)).toEqual({
      period: 'week',
      cohort: '2024-W03',
      offset: 2,
      mode: 'on',
      status: 'inactive',
      sort: 'orders',
      direction: 'asc',
      page: 2,
      pageSize: 25,
      filters: {},
    });
    expect(selectedCellFromSearch(new URLSearchParams('cell=2024-01'))).toBeNull();
  });

  it('formats values by metric', () => {
    expect(formatCohortValue('customers', 0.254)).toBe('25.4%');
    expect(formatCohortValue('orders', 1.2647)).toBe('1.26');
    expect(formatCohortValue('revenue', null)).toBe('—');
  });
});

describe('rates or counts', () => {
  it('reads the view from the URL, rates by default, and formats cells for each', () => {
    expect(cohortShowFromSearch(new URLSearchParams(''))).toBe('rates');
    expect(cohortShowFromSearch(new URLSearchParams('show=counts'))).toBe('counts');
    expect(cohortShowFromSearch(new URLSearchParams('show=bogus'))).toBe('rates');
    expect(cohortCellFormatter('customers', 'rates')(0.25)).toBe('25.0%');
    expect(cohortCellFormatter('customers', 'counts')(1234)).toBe('1,234');
    expect(cohortCellFormatter('orders', 'rates')(1.256)).toBe('1.26');
    expect(cohortCellFormatter('revenue', 'counts').decimals).toBe(0);
  });
});
