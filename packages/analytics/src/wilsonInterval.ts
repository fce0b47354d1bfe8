/** z for a two-sided 95 % interval, as rounded in every textbook formula. */
const Z95 = 1.96;

/**
 * The Wilson score interval of a proportion: unlike the normal approximation it stays inside
 * [0, 1] and behaves at 0 and n successes, which small cohorts and late offsets hit all the time.
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  z = Z95,
): { low: number; high: number } | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
