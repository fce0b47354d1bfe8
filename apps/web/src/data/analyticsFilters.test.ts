import { describe, expect, it } from 'vitest';
import { activeFilterCount, filtersFromSearch } from './analyticsFilters.ts';

describe('filtersFromSearch', () => {
  it('reads dates, lists and the complaint flag, leaving absent keys out', () => {
    const filters = filtersFromSearch(
      new URLSearchParams('from=2024-01-01&region=North&region=East&complained=false&channel='),
    );
    expect(filters).toEqual({ from: '2024-01-01', region: ['North', 'East'], complained: false });
    expect(activeFilterCount(filters)).toBe(3);
  });

  it('swaps a reversed date range and drops malformed dates', () => {
    expect(filtersFromSearch(new URLSearchParams('from=2024-05-01&to=2024-01-01'))).toEqual({
      from: '2024-01-01',
      to: '2024-05-01',
    });
    expect(filtersFromSearch(new URLSearchParams('from=yesterday'))).toEqual({});
  });
});
