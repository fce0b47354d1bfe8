import { describe, expect, it } from 'vitest';
import { filterSummary } from './filterSummary.ts';

const day = (iso: string) => `day ${iso}`;

describe('filterSummary', () => {
  it('lists the page’s own settings, then every active filter', () => {
    expect(
      filterSummary(
        { channel: ['web', 'app'], region: ['North'], from: '2024-01-01', complained: false },
        [['As of', 'Jun 30, 2025']],
        day,
      ),
    ).toBe(
      'As of: Jun 30, 2025 · First order from: day 2024-01-01 · Channel: web, app · Region: North · ' +
        'Complaints: never complained',
    );
  });

  it('says when nothing is filtered', () => {
    expect(filterSummary({}, [], day)).toBe('no filters: all customers');
    expect(filterSummary({}, [['Second order', 'within 90 days']], day)).toBe(
      'Second order: within 90 days · no filters: all customers',
    );
  });
});
