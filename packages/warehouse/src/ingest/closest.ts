/** Edit distance between two strings (case- and space-insensitive callers normalise first). */
function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

const normalise = (s: string) => s.toLowerCase().replace(/[\s_\-.]+/g, '');

/** The candidate a user most likely meant, or null when nothing is close. */
export function closest(target: string, candidates: readonly string[]): string | null {
  const wanted = normalise(target);
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const score = distance(wanted, normalise(candidate));
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 3));
  return bestScore <= tolerance ? best : null;
}
