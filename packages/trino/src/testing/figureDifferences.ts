/**
 * Differences between DuckDB's answer and Trino's, by path, appended to `out`: integers exactly,
 * other numbers to 1e-9 relative (absolute below 1: sums of doubles on several workers are added in
 * another order), everything else equal. Returns how many values it compared.
 */
export function figureDifferences(expected: unknown, actual: unknown, where: string, out: string[]): number {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const same =
      Number.isInteger(expected) && Number.isInteger(actual)
        ? expected === actual
        : Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    if (!same) out.push(`${where}: DuckDB ${expected}, Trino ${actual}`);
    return 1;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push(`${where}: DuckDB ${expected.length} items, Trino ${actual.length}`);
      return 0;
    }
    return expected.reduce<number>(
      (sum, item, i) => sum + figureDifferences(item, actual[i], `${where}[${i}]`, out),
      0,
    );
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    let compared = 0;
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      compared += figureDifferences(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${where}.${key}`,
        out,
      );
    }
    return compared;
  }
  if (expected !== actual)
    out.push(`${where}: DuckDB ${JSON.stringify(expected)}, Trino ${JSON.stringify(actual)}`);
  return 1;
}
