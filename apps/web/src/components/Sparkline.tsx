import { sparklinePath } from '../data/sparkline.ts';

/** A tiny trend line; decorative (the tile states the figures), so hidden from screen readers. */
export function Sparkline({
  values,
  width = 200,
  height = 36,
}: {
  values: readonly (number | null)[];
  width?: number;
  height?: number;
}) {
  const path = sparklinePath(values, width, height);
  return (
    <svg
      className="sparkline"
      width="100%"
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      {path ? (
        <path d={path} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
      ) : null}
    </svg>
  );
}
