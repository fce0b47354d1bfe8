/*
 * Typed reads of URL search parameters. Anything unknown or malformed falls back to the default,
 * so a hand-edited or outdated link still opens a sensible view instead of an error.
 */

export function readEnum<T extends string>(
  search: URLSearchParams,
  key: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = search.get(key);
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function readOptionalEnum<T extends string>(
  search: URLSearchParams,
  key: string,
  values: readonly T[],
): T | undefined {
  const value = search.get(key);
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

export function readInt(
  search: URLSearchParams,
  key: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  const raw = search.get(key);
  if (raw === null || !/^-?\d+$/.test(raw)) return fallback;
  const value = Number(raw);
  if (bounds.min !== undefined && value < bounds.min) return fallback;
  if (bounds.max !== undefined && value > bounds.max) return fallback;
  return value;
}

export function readOptionalInt(
  search: URLSearchParams,
  key: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  const value = readInt(search, key, Number.NaN, bounds);
  return Number.isNaN(value) ? undefined : value;
}

export function readNumber(search: URLSearchParams, key: string): number | undefined {
  const raw = search.get(key);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** A list written as repeated keys (`?region=North&region=East`); empty values are dropped. */
export function readList(search: URLSearchParams, key: string): string[] {
  return [...new Set(search.getAll(key).filter((v) => v !== ''))];
}

export function readBool(search: URLSearchParams, key: string): boolean | undefined {
  const value = search.get(key);
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  return undefined;
}

export function readDay(search: URLSearchParams, key: string): string | undefined {
  const value = search.get(key);
  if (value === null || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? undefined : value;
}
