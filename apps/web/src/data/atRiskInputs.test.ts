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
      segment: ['At risk'],
      region: ['North'],
      capacity: 200,
      excludeContactedDays: 30,
    });
    expect(callListFiltersFromSearch(new URLSearchParams('minP=7&capacity=0&contacted=x'))).toEqual({});
  });

  it('reads several segments and regions, value, a probability range and open complaints', () => {
    expect(
      callListFiltersFromSearch(
        new URLSearchParams(
          "segment=Lost&segment=Can't+lose+them&segment=Lost&region=North&region=East&minValue=250&minP=0.3&maxP=0.7&complaint=open",
        ),
      ),
    ).toEqual({
      segment: ['Lost', "Can't lose them"],
      region: ['North', 'East'],
      minValue: 250,
      minProbability: 0.3,
      maxProbability: 0.7,
      hasOpenComplaint: true,
    });
    expect(callListFiltersFromSearch(new URLSearchParams('complaint=none'))).toEqual({
      hasOpenComplaint: false,
    });
    // An upper bound under the lower one, a negative value, an unknown complaint value: ignored.
    expect(
      callListFiltersFromSearch(
        new URLSearchParams(`minP=0.7&maxP=0.5&minValue=-3&complaint=maybe&segment=${'x'.repeat(201)}`),
      ),
    ).toEqual({ minProbability: 0.7 });
  });

  it('finds the pages a visible range needs', () => {
    expect(pagesCovering(0, 19, 200)).toEqual([0]);
    expect(pagesCovering(190, 215, 200)).toEqual([0, 1]);
    expect(pagesCovering(99_990, 99_999, 200)).toEqual([499]);
    expect(pagesCovering(5, -1, 200)).toEqual([]);
  });
});
