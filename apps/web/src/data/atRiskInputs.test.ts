import { DEFAULT_CALL_CAPACITY } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { callListFiltersFromSearch, callListViewFromSearch, pagesCovering } from './atRiskInputs.ts';

const view = (query: string) => callListViewFromSearch(new URLSearchParams(query));

describe('at-risk inputs', () => {
  it('reads the call-list filters from the URL, dropping malformed ones', () => {
    expect(
      callListFiltersFromSearch(
        new URLSearchParams('minP=0.7&segment=At+risk&region=North&capacity=150&contacted=30'),
      ),
    ).toEqual({
      minProbability: 0.7,
      segment: ['At risk'],
      region: ['North'],
      capacity: 150,
      excludeContactedDays: 30,
      hasPhone: true,
    });
    expect(view('minP=7&contacted=x')).toEqual({
      filters: { capacity: DEFAULT_CALL_CAPACITY, hasPhone: true },
      errors: {},
      controlShare: 0.1,
    });
  });

  it('lists a week of calls to customers with a phone number unless asked for more', () => {
    expect(view('')).toEqual({ filters: { capacity: 200, hasPhone: true }, errors: {}, controlShare: 0.1 });
    expect(view('capacity=all&phone=any')).toEqual({ filters: {}, errors: {}, controlShare: 0.1 });
    expect(view('phone=none').filters).toEqual({ capacity: 200, hasPhone: false });
    expect(view('phone=maybe').filters.hasPhone).toBe(true);
  });

  it('refuses a capacity that is no number of calls, rather than list everyone', () => {
    for (const capacity of ['0', '-5', '2.5', 'ten', '1e9']) {
      const { filters, errors } = view(`capacity=${capacity}`);
      expect(errors.capacity, capacity).toBe(
        `"${capacity}" is not a number of calls: enter a whole number, 1 or more.`,
      );
      expect(filters.capacity).toBeUndefined();
    }
    expect(view('capacity=+12').filters.capacity).toBe(12);
  });

  it('reads several segments and regions, value, a probability range and open complaints', () => {
    expect(
      callListFiltersFromSearch(
        new URLSearchParams(
          "segment=Lost&segment=Can't+lose+them&segment=Lost&region=North&region=East&minValue=250&minP=0.3&maxP=0.7&complaint=open&capacity=all",
        ),
      ),
    ).toEqual({
      segment: ['Lost', "Can't lose them"],
      region: ['North', 'East'],
      minValue: 250,
      minProbability: 0.3,
      maxProbability: 0.7,
      hasOpenComplaint: true,
      hasPhone: true,
    });
    expect(view('complaint=none&capacity=all&phone=any').filters).toEqual({ hasOpenComplaint: false });
    // A negative value, an unknown complaint value, an over-long segment: ignored.
    expect(
      view(`minP=0.7&minValue=-3&complaint=maybe&segment=${'x'.repeat(201)}&capacity=all&phone=any`),
    ).toEqual({ filters: { minProbability: 0.7 }, errors: {}, controlShare: 0.1 });
  });

  it('refuses a probability range no customer can fall in, on its upper bound', () => {
    const { errors } = view('minP=0.9&maxP=0.5');
    expect(errors.maxProbability).toMatch(/no customer falls in that range/);
    expect(view('minP=0.5&maxP=0.5').errors).toEqual({});
  });

  it('reads the win-back list and the share to hold back, refusing a share above one half', () => {
    expect(view('list=win-back').filters.kind).toBe('win-back');
    expect(view('list=other').filters.kind).toBeUndefined();
    expect(view('').controlShare).toBe(0.1);
    expect(view('control=0').controlShare).toBe(0);
    expect(view('control=0.3')).toMatchObject({ controlShare: 0.3, errors: {} });
    expect(view('control=0.6').errors.controlShare).toBe(
      '"0.6" is no share to hold back: choose from none to 50 %.',
    );
    expect(view('control=-0.1').errors.controlShare).toMatch(/no share to hold back/);
  });

  it('finds the pages a visible range needs', () => {
    expect(pagesCovering(0, 19, 200)).toEqual([0]);
    expect(pagesCovering(190, 215, 200)).toEqual([0, 1]);
    expect(pagesCovering(99_990, 99_999, 200)).toEqual([499]);
    expect(pagesCovering(5, -1, 200)).toEqual([]);
  });
});
