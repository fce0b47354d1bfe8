import type { CohortMetric, Period } from '@retain/schemas';
import { type KeyboardEvent, useRef, useState } from 'react';
import { formatCohortValue, offsetLabel, type SelectedCell } from '../data/cohortInputs.ts';
import { type CellDetail, type CohortMatrix, cellDetail, matrixOffsets } from '../data/cohortSeries.ts';
import { heatColors, heatScaleMax, rampGradient } from '../data/heatScale.ts';
import { formatDecimal, formatInteger, formatMoney, formatPercent } from '../format.ts';
import { useColorScheme } from '../hooks/useColorScheme.ts';

/** More rows than this make a matrix nobody reads (and thousands of buttons); the latest are shown. */
export const MAX_HEATMAP_ROWS = 120;

interface HeatmapProps {
  matrix: CohortMatrix;
  selected: SelectedCell | null;
  onOpen: (cell: SelectedCell) => void;
}

/**
 * Cohorts × offsets as a table of buttons coloured by value. Incomplete cells (a period still
 * running) are hatched, small cohorts italic. Arrow keys move between cells (one tab stop for the
 * whole matrix), Enter or a click opens the cell's customers; hover or focus shows the details.
 */
export function CohortHeatmap({ matrix, selected, onOpen }: HeatmapProps) {
  const scheme = useColorScheme();
  const rows = matrix.cohorts.slice(-MAX_HEATMAP_ROWS);
  const offsets = matrixOffsets(matrix);
  const max = heatScaleMax(rows);
  const [focus, setFocus] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const [tip, setTip] = useState<{ detail: CellDetail; x: number; y: number } | null>(null);
  const table = useRef<HTMLTableElement>(null);

  const moveTo = (row: number, col: number) => {
    const r = Math.max(0, Math.min(rows.length - 1, row));
    const cohort = rows[r];
    if (!cohort) return;
    const c = Math.max(0, Math.min(cohort.values.length - 1, col));
    setFocus({ row: r, col: c });
    table.current?.querySelector<HTMLButtonElement>(`button[data-row="${r}"][data-col="${c}"]`)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      moveTo(focus.row + move[0], focus.col + move[1]);
    } else if (event.key === 'Home') {
      event.preventDefault();
      moveTo(focus.row, 0);
    } else if (event.key === 'End') {
      event.preventDefault();
      moveTo(focus.row, offsets.length - 1);
    } else if (event.key === 'Escape') setTip(null);
  };
  const show = (detail: CellDetail, target: HTMLElement) => {
    const box = target.getBoundingClientRect();
    setTip({ detail, x: Math.min(box.right + 8, window.innerWidth - 260), y: box.top });
  };

  return (
    <>
      {matrix.cohorts.length > rows.length ? (
        <p className="muted">
          Showing the latest {formatInteger(rows.length)} of {formatInteger(matrix.cohorts.length)} cohorts;
          narrow the date range to see earlier ones (the CSV holds them all).
        </p>
      ) : null}
      <p className="visually-hidden" id="heatmap-help">
        Arrow keys move between cells; Enter opens the customers of a cell.
      </p>
      <div className="heatmap-scroll">
        <table
          className="heatmap"
          ref={table}
          onKeyDown={onKeyDown}
          aria-describedby="heatmap-help"
          data-testid="heatmap"
          onMouseLeave={() => setTip(null)}
        >
          <caption className="visually-hidden">
            Cohorts by {matrix.by === 'period' ? `first-order ${matrix.period}` : matrix.by} and{' '}
            {matrix.period}s since the first order
          </caption>
          <thead>
            <tr>
              <th scope="col">Cohort</th>
              <th scope="col" className="num">
                Size
              </th>
              {offsets.map((o) => (
                <th key={o} scope="col" className="num">
                  {o}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={row.cohort}>
                <th scope="row">{row.cohort}</th>
                <td className="num">{formatInteger(row.size)}</td>
                {offsets.map((o) => {
                  const detail = cellDetail(row, o);
                  if (!detail)
                    return (
                      <td key={o}>
                        <span className="heat-empty" />
                      </td>
                    );
                  const colors =
                    detail.value === null
                      ? { background: 'transparent', color: 'inherit' }
                      : heatColors(detail.value / max, scheme);
                  const isSelected = selected?.cohort === row.cohort && selected.offset === o;
                  const label = `${row.cohort}, ${offsetLabel(matrix.period, o).toLowerCase()}: ${formatCohortValue(matrix.metric, detail.value)}${detail.complete ? '' : ', incomplete'}${row.small ? ', small cohort' : ''}`;
                  return (
                    <td key={o}>
                      <button
                        type="button"
                        className={`heat-cell${detail.complete ? '' : ' incomplete'}${row.small ? ' small' : ''}`}
                        style={colors}
                        tabIndex={focus.row === r && focus.col === o ? 0 : -1}
                        data-row={r}
                        data-col={o}
                        data-cohort={row.cohort}
                        data-offset={o}
                        aria-label={label}
                        aria-pressed={isSelected}
                        onClick={() => {
                          setFocus({ row: r, col: o });
                          onOpen({ cohort: row.cohort, offset: o });
                        }}
                        onMouseEnter={(e) => show(detail, e.currentTarget)}
                        onFocus={(e) => {
                          setFocus({ row: r, col: o });
                          show(detail, e.currentTarget);
                        }}
                        onBlur={() => setTip(null)}
                      >
                        {formatCohortValue(matrix.metric, detail.value)}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="heat-legend" aria-hidden="true">
        <span>0</span>
        <span className="heat-ramp" style={{ background: rampGradient(scheme) }} />
        <span>{formatCohortValue(matrix.metric, max)} or more</span>
        <span className="hatch-sample" /> <span>incomplete (period still running)</span>
        <em>italic</em> <span>cohort under {formatInteger(matrix.minCohortSize)} customers</span>
      </div>
      {tip ? (
        <div
          className="floating-tooltip chart-tooltip"
          style={{ left: tip.x, top: tip.y }}
          role="tooltip"
          data-testid="heatmap-tooltip"
        >
          <CellTooltip detail={tip.detail} metric={matrix.metric} period={matrix.period} />
        </div>
      ) : null}
    </>
  );
}

function CellTooltip({
  detail,
  metric,
  period,
}: {
  detail: CellDetail;
  metric: CohortMetric;
  period: Period;
}) {
  return (
    <>
      <p className="tooltip-title">
        {detail.cohort} · {offsetLabel(period, detail.offset)}
      </p>
      <p>
        {metric === 'customers'
          ? 'Retention'
          : metric === 'orders'
            ? 'Orders per customer'
            : 'Revenue vs first period'}
        : <strong>{formatCohortValue(metric, detail.value)}</strong>
      </p>
      <p>
        {metric === 'customers'
          ? `${formatInteger(detail.count)} of ${formatInteger(detail.base)} customers`
          : metric === 'orders'
            ? `${formatInteger(detail.count)} orders, ${formatInteger(detail.base)} customers`
            : `${formatMoney(detail.count)} revenue, ${formatInteger(detail.base)} customers`}
      </p>
      {detail.low !== null && detail.high !== null ? (
        <p>
          95 % interval: {formatPercent(detail.low)} – {formatPercent(detail.high)}
        </p>
      ) : null}
      {!detail.complete ? <p>Incomplete: the period had not ended when the data ends.</p> : null}
      {detail.small ? <p>Small cohort: read with care.</p> : null}
      <p className="muted">
        {formatDecimal(detail.offset)} {period}s after the first order · click for the customers
      </p>
    </>
  );
}
