import type { CohortCustomer, CohortCustomers } from '@retain/schemas';
import { csvNumber, tableToCsv } from './csv.ts';

/** The largest page `cohorts.customers` gives: an export asks for the cell a thousand at a time. */
export const EXPORT_PAGE_SIZE = 1000;

/**
 * Every customer of a drilled-down cell, page by page in the list's own order, reporting how many
 * it has so far. The drill-down holds customer ids and order figures only, for every role: no
 * names, emails or phone numbers, so the file holds none either.
 */
export async function fetchAllCohortCustomers(
  fetchPage: (page: number, pageSize: number) => Promise<CohortCustomers>,
  onProgress?: (done: number, total: number) => void,
): Promise<CohortCustomer[]> {
  const rows: CohortCustomer[] = [];
  for (let page = 1; ; page++) {
    const result = await fetchPage(page, EXPORT_PAGE_SIZE);
    rows.push(...result.rows);
    onProgress?.(rows.length, result.total);
    if (result.rows.length < EXPORT_PAGE_SIZE || rows.length >= result.total) return rows;
  }
}

/**
 * The customers as a CSV file: the same columns as the table, dates as ISO timestamps (UTC),
 * revenue to the cent in the data's currency (named in the header), text neutralised as every
 * download of Retain is (a customer id starting with "=" cannot run as a formula).
 */
export function cohortCustomersCsv(rows: readonly CohortCustomer[], currency: string | null): string {
  return tableToCsv(
    [
      'Customer',
      'First order (UTC)',
      'Last order (UTC)',
      'Orders',
      currency ? `Revenue (${currency})` : 'Revenue',
      'Complaints',
      'Returns',
    ],
    rows.map((r) => [
      r.customerId,
      r.firstOrder,
      r.lastOrder,
      r.orders,
      csvNumber(r.revenue, 2),
      r.complaints,
      r.returns,
    ]),
  );
}
