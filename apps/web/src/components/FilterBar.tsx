import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { activeFilterCount, CLEAR_FILTERS, filtersFromSearch } from '../data/analyticsFilters.ts';
import { filterSummary, type SummaryItem } from '../data/filterSummary.ts';
import { formatDay } from '../format.ts';
import { useSearchParams } from '../router/location.ts';
import { useTRPC } from '../trpc.ts';
import { DateField, MultiSelect, SelectField } from './controls.tsx';

type FilterKey = 'dates' | 'channel' | 'region' | 'category' | 'complained';

/**
 * The analytics filters, bound to the URL: every change is a new history entry, so a link
 * reproduces the view and Back undoes the change. Page-specific controls go in `children`, and
 * their settings in `summary`: the printed page, which leaves the controls out, states them and
 * every active filter in one line.
 */
export function FilterBar({
  show = ['dates', 'channel', 'region', 'category', 'complained'],
  summary = [],
  children,
}: {
  show?: readonly FilterKey[];
  summary?: readonly SummaryItem[];
  children?: ReactNode;
}) {
  const trpc = useTRPC();
  const values = useQuery(trpc.filters.values.queryOptions());
  const [search, update] = useSearchParams();
  const filters = filtersFromSearch(search);
  const count = activeFilterCount(filters);
  const options = values.data ?? { channels: [], regions: [], categories: [] };
  const shown: typeof filters = {};
  if (show.includes('dates')) {
    if (filters.from) shown.from = filters.from;
    if (filters.to) shown.to = filters.to;
  }
  for (const key of ['channel', 'region', 'category'] as const) {
    const values = filters[key];
    if (show.includes(key) && values) shown[key] = values;
  }
  if (show.includes('complained') && filters.complained !== undefined) shown.complained = filters.complained;
  return (
    <>
      <p className="print-only filter-summary" data-testid="filter-summary">
        {filterSummary(shown, summary, formatDay)}
      </p>
      <form className="card filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        {children}
        {show.includes('dates') ? (
          <>
            <DateField
              label="First order from"
              value={filters.from}
              max={filters.to}
              onChange={(v) => update({ from: v })}
              testId="filter-from"
            />
            <DateField
              label="First order to"
              value={filters.to}
              min={filters.from}
              onChange={(v) => update({ to: v })}
              testId="filter-to"
            />
          </>
        ) : null}
        {show.includes('channel') ? (
          <MultiSelect
            label="Channel"
            values={filters.channel ?? []}
            options={options.channels}
            onChange={(v) => update({ channel: v })}
            testId="filter-channel"
          />
        ) : null}
        {show.includes('region') ? (
          <MultiSelect
            label="Region"
            values={filters.region ?? []}
            options={options.regions}
            onChange={(v) => update({ region: v })}
            testId="filter-region"
          />
        ) : null}
        {show.includes('category') ? (
          <MultiSelect
            label="First category"
            values={filters.category ?? []}
            options={options.categories}
            onChange={(v) => update({ category: v })}
            testId="filter-category"
          />
        ) : null}
        {show.includes('complained') ? (
          <SelectField
            label="Complaints"
            value={filters.complained === undefined ? 'any' : filters.complained ? 'yes' : 'no'}
            options={[
              { value: 'any', label: 'Everyone' },
              { value: 'yes', label: 'Complained' },
              { value: 'no', label: 'Never complained' },
            ]}
            onChange={(v) => update({ complained: v === 'any' ? null : v === 'yes' ? 'true' : 'false' })}
            testId="filter-complained"
          />
        ) : null}
        {count > 0 ? (
          <button type="button" onClick={() => update(CLEAR_FILTERS)}>
            Clear filters ({count})
          </button>
        ) : null}
      </form>
    </>
  );
}
