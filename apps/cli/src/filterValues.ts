import { RFM_SEGMENTS } from '@retain/schemas';
import type { ValueColumn, ValueSource } from '@retain/warehouse';
import { closestValues, refuseUnknownValues } from './output/didYouMean.ts';

/** One filter flag to check: the values given and the column they must match. */
export interface ValueCheck {
  flag: string;
  column: ValueColumn;
  values: readonly string[] | undefined;
  /** Values that are valid even if no row holds them yet. */
  alsoKnown?: readonly string[];
  /**
   * Refuse only values that look like a misspelling of a known one: for open lists (audit actions
   * and users), where a value nothing holds yet may still be right.
   */
  misspeltOnly?: boolean;
}

/**
 * Refuses (exit code 2) a filter value that nothing in the warehouse (or on the cluster holding the
 * facts) holds, naming the closest known ones, so that "At Risk" for "At risk" is not read as
 * "nobody". Only the flags given are looked up.
 */
export async function checkFilterValues(source: ValueSource, checks: readonly ValueCheck[]): Promise<void> {
  // Loaded on demand: DuckDB's native library is not needed for --help.
  const { unknownValues } = await import('@retain/warehouse');
  for (const check of checks) {
    const also = new Set(check.alsoKnown ?? []);
    const values = (check.values ?? []).filter((v) => !also.has(v));
    const found = await unknownValues(source, check.column, values);
    const known = [...new Set([...found.known, ...(check.alsoKnown ?? [])])];
    const unknown = check.misspeltOnly
      ? found.unknown.filter((v) => closestValues(v, known).length > 0)
      : found.unknown;
    refuseUnknownValues(check.flag, unknown, known);
  }
}

/** The analytics filters' value flags. */
export function analyticsValueChecks(filters: {
  channel?: readonly string[] | undefined;
  region?: readonly string[] | undefined;
  category?: readonly string[] | undefined;
}): ValueCheck[] {
  return [
    { flag: '--channel', column: 'channel', values: filters.channel },
    { flag: '--region', column: 'region', values: filters.region },
    { flag: '--category', column: 'category', values: filters.category },
  ];
}

const list = (value: string | readonly string[] | undefined) =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** The call list's value flags: RFM segments (the model's names, scored or not) and customers' regions. */
export function callListValueChecks(filters: {
  segment?: string | readonly string[] | undefined;
  region?: string | readonly string[] | undefined;
}): ValueCheck[] {
  return [
    { flag: '--segment', column: 'scoreSegment', values: list(filters.segment), alsoKnown: RFM_SEGMENTS },
    { flag: '--region', column: 'customerRegion', values: list(filters.region) },
  ];
}
