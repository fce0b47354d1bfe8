/**
 * The SVG path of a sparkline through `values` (nulls break the line), scaled into a width × height
 * box with a pixel of padding so the stroke is not clipped. A flat series sits in the middle.
 */
export function sparklinePath(values: readonly (number | null)[], width: number, height: number): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return '';
  const min = Math.min(...present);
  const max = Math.max(...present);
  const pad = 2;
  const x = (i: number) =>
    values.length <= 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) => (max === min ? height / 2 : pad + ((max - v) * (height - 2 * pad)) / (max - min));
  let path = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  return path;
}
