import { UsageError } from './errors.ts';

/*
 * A filter value that matches nothing would give an empty answer and exit 0: a typo or the wrong
 * case ("At Risk" for "At risk") would pass for "nobody". Unknown values are refused instead, with
 * the closest known ones.
 */

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

/** Edits (insert, delete, substitute, swap two neighbours) between a and b. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known values closest to `value`, best first: the same but for case, accents or spaces; else
 * those within a few edits (a third of the length, at least 2); else those containing it.
 */
export function closestValues(value: string, known: readonly string[], max = 3): string[] {
  const wanted = fold(value);
  const same = known.filter((k) => fold(k) === wanted);
  if (same.length > 0) return same.slice(0, max);
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const near = known
    .map((k) => ({ k, distance: editDistance(wanted, fold(k)) }))
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance);
  if (near.length > 0) return near.slice(0, max).map((c) => c.k);
  return wanted === '' ? [] : known.filter((k) => fold(k).includes(wanted)).slice(0, max);
}

const quote = (value: string) => JSON.stringify(value);
const LISTED = 12;

/**
 * The message for values of `flag` that nothing holds: each with its closest known values, and
 * what there is to choose from.
 */
export function unknownValuesMessage(
  flag: string,
  unknown: readonly string[],
  known: readonly string[],
): string {
  const lines = unknown.map((value) => {
    const close = closestValues(value, known);
    return `${flag}: no ${quote(value)} in the data${close.length > 0 ? `; did you mean ${close.map(quote).join(' or ')}?` : '.'}`;
  });
  if (known.length === 0) lines.push(`  Nothing to choose from yet for ${flag}.`);
  else
    lines.push(
      `  Known values: ${known.slice(0, LISTED).map(quote).join(', ')}${known.length > LISTED ? `, … (${known.length} in all)` : ''}.`,
    );
  return lines.join('\n');
}

/** Throws bad input (exit code 2) naming each unknown value of `flag`. */
export function refuseUnknownValues(
  flag: string,
  unknown: readonly string[],
  known: readonly string[],
): void {
  if (unknown.length > 0) throw new UsageError(unknownValuesMessage(flag, unknown, known));
}
