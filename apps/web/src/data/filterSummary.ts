import type { AnalyticsFilters } from './analyticsFilters.ts';

/** A page-specific setting to print beside the filters, e.g. ["As of", "Jun 30, 2025"]. */
export type SummaryItem = readonly [label: string, value: string];

/**
 * The active filters in one line, for the printed page (where the filter bar is not printed):
 * "As of: Jun 30, 2025 · Channel: web, app · Region: North". `formatDay` writes dates.
 */
export function filterSummary(
  filters: AnalyticsFilters,
  extra: readonly SummaryItem[],
  formatDay: (iso: string) => string,
): string {
  const items: SummaryItem[] = [...extra];
  if (filters.from) items.push(['First order from', formatDay(filters.from)]);
  if (filters.to) items.push(['First order to', formatDay(filters.to)]);
  if (filters.channel) items.push(['Channel', filters.channel.join(', ')]);
  if (filters.region) items.push(['Region', filters.region.join(', ')]);
  if (filters.category) items.push(['First category', filters.category.join(', ')]);
  if (filters.complained !== undefined)
    items.push(['Complaints', filters.complained ? 'complained' : 'never complained']);
  const hasFilter = items.length > extra.length;
  const text = items.map(([label, value]) => `${label}: ${value}`).join(' · ');
  return hasFilter ? text : [text, 'no filters: all customers'].filter(Boolean).join(' · ');
}
