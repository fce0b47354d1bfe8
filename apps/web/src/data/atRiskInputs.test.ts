import { describe, expect, it } from 'vitest';
import { callListFiltersFromSearch, pagesCovering } from './atRiskInputs.ts';

describe('at-risk inputs', () => {
  it('reads the call-list filters from the URL, dropping malformed ones', () => {
    expect(
      callListFiltersFromSearch(
        new URLSearchParams('minP=0.7&segment=At+risk&region=North&capacity=200&contacted=30'),
      ),
    ).toEqual({
      minProbability: 0.7,
      segment: 'At risk',
      region: 'North',
      capacity: 200,
      excludeContactedDays: 30,
    });
    expect(callListFiltersFromSearch(new URLSearchParams('minP=7&capacity=0&contacted=x'))).toEqual({});
  });

  it('finds the pages a visible range needs', () => {
    expect(pagesCovering(0, 19, 200)).toEqual([0]);
    expect(pagesCovering(190, 215, 200)).toEqual([0, 1]);
    expect(pagesCovering(99_990, 99_999, 200)).toEqual([499]);
    expect(pagesCovering(5, -1, 200)).toEqual([]);
  });
});
