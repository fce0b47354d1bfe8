import type { CohortMetric, Period } from '@retain/schemas';
import { type KeyboardEvent, useRef, useState } from 'react';
import { type AverageCell, averageCountPerCohort, weightedAverageRow } from '../data/cohortAverage.ts';
import {
  type CohortShow,
  cohortCellFormatter,
  formatCohortValue,
  offsetLabel,
  type SelectedCell,
} from '../data/cohortInputs.ts';
import {
  AVERAGE_LABEL,
  type CellDetail,
  type CohortMatrix,
  cellDetail,
  matrixOffsets,
} from '../data/cohortSeries.ts';
import {
  expectedEndAt,
  FORECAST_LEVEL,
  type ForecastCell,
  forecastAt,
  forecastWidth,
} from '../data/forecastSeries.ts';
import { heatColors, heatScaleMax, rampGradient } from '../data/heatScale.ts';
import { formatDay, formatInteger, formatMoney, formatPercent } from '../format.ts';
import { useColorScheme } from '../hooks/useColorScheme.ts';

/** More rows than this make a matrix nobody reads (and thousands of buttons); the latest are shown. */
export const MAX_HEATMAP_ROWS = 120;

interface HeatmapProps {
  matrix: CohortMatrix;
  /** Rates (share, per customer) or the counts behind them. */
  show: CohortShow;
  selected: SelectedCell | null;
  onOpen: (cell: SelectedCell) => void;
}

type Tip =
  | { kind: 'cell'; detail: CellDetail; expected: ForecastCell | null }
  | { kind: 'average'; cell: AverageCell }
  | { kind: 'forecast'; cohort: string; offset: number; cell: ForecastCell; pooled: boolean };

/**
 * Cohorts × offsets as a table of buttons coloured by value, under a row of the size-weighted
 * average. A cell whose period is not over at the as-of date holds a value so far: it is faded,
 * hatched, outlined with dashes and marked "~" (as on the command line), and says so to screen
 * readers and in its tooltip. Forecasts (when the matrix has them) fill the periods not yet begun:
 * lighter, hatched the other way, outlined with dots and in brackets, their tooltip saying
 * "forecast" with its 80 % interval; they open nothing. Small cohorts are italic. Arrow keys move between cells (one tab stop
 * for the whole matrix), Enter or a click opens the cell's customers; hover or focus shows details.
 */
export function CohortHeatmap({ matrix, show, selected, onOpen }: HeatmapProps) {
  const scheme = useColorScheme();
  const rows = matrix.cohorts.slice(-MAX_HEATMAP_ROWS);
  const hasForecasts = matrix.forecast !== undefined;
  const offsets = hasForecasts
    ? Array.from({ length: forecastWidth(matrix) }, (_, i) => i)
    : matrixOffsets(matrix);
  // Colour is always the rate, so cohorts of different sizes compare in either view.
  const max = heatScaleMax(rows);
  const average = weightedAverageRow(matrix.cohorts);
  const format = cohortCellFormatter(matrix.metric, show);
  const [focus, setFocus] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const [tip, setTip] = useState<{ tip: Tip; x: number; y: number } | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const asOf = formatDay(matrix.dataEnd);

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
  const showTip = (next: Tip, target: HTMLElement) => {
    const box = target.getBoundingClientRect();
    const width = Math.min(280, window.innerWidth - 16);
    const x = box.right + 8 + width <= window.innerWidth ? box.right + 8 : Math.max(8, box.left - width - 8);
    setTip({ tip: next, x: Math.max(8, x), y: box.bottom + 4 });
  };
  const cellText = (value: number | null, complete: boolean) => (
    <>
      {format(value)}
      {complete ? null : (
        <span className="heat-mark" aria-hidden="true">
          ~
        </span>
      )}
    </>
  );
  const averageLabel = AVERAGE_LABEL[show];

  return (
    <>
      {matrix.cohorts.length > rows.length ? (
        <p className="muted">
          Showing the latest {formatInteger(rows.length)} of {formatInteger(matrix.cohorts.length)} cohorts;
          narrow the date range to see earlier ones (the average and the CSV hold them all).
        </p>
      ) : null}
      <p className="visually-hidden" id="heatmap-help">
        Arrow keys move between cells; Enter opens the customers of a cell. Cells marked incomplete hold a
        value so far: their period is not over at the as-of date, {asOf}.
      </p>
      <div className="heatmap-scroll">
        <table
          className="heatmap"
          ref={table}
          onKeyDown={onKeyDown}
          aria-describedby="heatmap-help"
          data-testid="heatmap"
          data-show={show}
          onMouseLeave={() => setTip(null)}
          onPointerOver={(event) => {
            // The average's cells are not buttons (nothing to open): their tooltip is delegated.
            const target =
              event.target instanceof Element ? event.target.closest('[data-average-offset]') : null;
            const cell = average.cells[Number(target?.getAttribute('data-average-offset'))];
            if (target instanceof HTMLElement && cell) showTip({ kind: 'average', cell }, target);
            const spot = event.target instanceof Element ? event.target.closest('[data-forecast-row]') : null;
            const forecastRow = rows[Number(spot?.getAttribute('data-forecast-row'))];
            const offset = Number(spot?.getAttribute('data-offset'));
            const forecast = forecastRow ? forecastAt(forecastRow, offset) : null;
            if (spot instanceof HTMLElement && forecastRow && forecast)
              showTip(
                {
                  kind: 'forecast',
                  cohort: forecastRow.cohort,
                  offset,
                  cell: forecast,
                  pooled: forecastRow.forecastBasis === 'pooled',
                },
                spot,
              );
          }}
        >
          <caption className="visually-hidden">
            Cohorts by {matrix.by === 'period' ? `first-order ${matrix.period}` : matrix.by} and{' '}
            {matrix.period}s since the first order, as of {asOf}
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
          <tbody className="heat-average-body">
            <tr className="heat-average" data-testid="heatmap-average">
              <th scope="row">{averageLabel}</th>
              <td className="num">{formatInteger(average.size)}</td>
              {average.cells.map((cell) => {
                const value = show === 'counts' ? averageCountPerCohort(cell) : cell.value;
                const colors =
                  cell.value === null
                    ? { background: 'transparent', color: 'inherit' }
                    : heatColors(cell.value / max, scheme, { incomplete: !cell.complete });
                return (
                  <td key={cell.offset}>
                    <span
                      className={`heat-cell average${cell.complete ? '' : ' incomplete'}`}
                      style={{ backgroundColor: colors.background, color: colors.color }}
                      data-offset={cell.offset}
                      data-average-offset={cell.offset}
                      data-complete={cell.complete}
                    >
                      {cellText(value, cell.complete)}
                      {cell.complete ? null : <span className="visually-hidden">, incomplete, so far</span>}
                    </span>
                  </td>
                );
              })}
            </tr>
          </tbody>
          <tbody>
            {rows.map((row, r) => (
              <tr key={row.cohort}>
                <th scope="row">{row.cohort}</th>
                <td className="num">{formatInteger(row.size)}</td>
                {offsets.map((o) => {
                  const detail = cellDetail(row, o);
                  const forecast = detail ? null : forecastAt(row, o);
                  if (forecast) {
                    const colors = heatColors(forecast.value / max, scheme, { incomplete: true });
                    // Nothing to open: a span, its tooltip delegated like the average's.
                    return (
                      <td key={o}>
                        <span
                          className="heat-cell forecast"
                          style={{ backgroundColor: colors.background, color: colors.color }}
                          data-cohort={row.cohort}
                          data-offset={o}
                          data-forecast-row={r}
                          data-kind="forecast"
                        >
                          (
                          {format(
                            show === 'counts'
                              ? forecastCount(row, forecast.value, matrix.metric)
                              : forecast.value,
                          )}
                          )
                          <span className="visually-hidden">
                            , forecast, {FORECAST_LEVEL}% interval{' '}
                            {formatCohortValue(matrix.metric, forecast.lower)} to{' '}
                            {formatCohortValue(matrix.metric, forecast.upper)}
                            {row.forecastBasis === 'pooled' ? ', from the pooled fit' : ''}
                          </span>
                        </span>
                      </td>
                    );
                  }
                  if (!detail)
                    return (
                      <td key={o}>
                        <span className="heat-empty" />
                      </td>
                    );
                  const colors =
                    detail.value === null
                      ? { background: 'transparent', color: 'inherit' }
                      : heatColors(detail.value / max, scheme, { incomplete: !detail.complete });
                  const shown = show === 'counts' ? detail.count : detail.value;
                  const isSelected = selected?.cohort === row.cohort && selected.offset === o;
                  const label = `${row.cohort}, ${offsetLabel(matrix.period, o).toLowerCase()}: ${format(shown)}${detail.complete ? '' : ', incomplete, so far'}${row.small ? ', small cohort' : ''}`;
                  return (
                    <td key={o}>
                      <button
                        type="button"
                        className={`heat-cell${detail.complete ? '' : ' incomplete'}${row.small ? ' small' : ''}`}
                        // backgroundColor, not background: the shorthand would clear the hatching.
                        style={{ backgroundColor: colors.background, color: colors.color }}
                        tabIndex={focus.row === r && focus.col === o ? 0 : -1}
                        data-row={r}
                        data-col={o}
                        data-cohort={row.cohort}
                        data-offset={o}
                        data-complete={detail.complete}
                        aria-label={label}
                        aria-pressed={isSelected}
                        onClick={() => {
                          setFocus({ row: r, col: o });
                          onOpen({ cohort: row.cohort, offset: o });
                        }}
                        onMouseEnter={(e) =>
                          showTip({ kind: 'cell', detail, expected: expectedEndAt(row, o) }, e.currentTarget)
                        }
                        onFocus={(e) => {
                          setFocus({ row: r, col: o });
                          showTip({ kind: 'cell', detail, expected: expectedEndAt(row, o) }, e.currentTarget);
                        }}
                        onBlur={() => setTip(null)}
                      >
                        {cellText(shown, detail.complete)}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="heat-legend" data-testid="heatmap-legend">
        <span className="heat-legend-item">
          <span>0</span>
          <span className="heat-ramp" style={{ background: rampGradient(scheme) }} aria-hidden="true" />
          <span>
            {formatCohortValue(matrix.metric, max)} or more{show === 'counts' ? ' (colour: the rate)' : ''}
          </span>
        </span>
        <span className="heat-legend-item">
          <span className="hatch-sample" aria-hidden="true">
            ~
          </span>
          <span>incomplete: the period is not over at the as-of date ({asOf}), a value so far</span>
        </span>
        {hasForecasts ? (
          <span className="heat-legend-item" data-testid="heatmap-forecast-legend">
            <span className="forecast-sample" aria-hidden="true">
              ( )
            </span>
            <span>
              forecast: not observed yet, the expected value (its {FORECAST_LEVEL}% interval in the tooltip)
              {matrix.forecast?.horizon !== null && matrix.forecast?.horizon !== undefined
                ? `; up to ${matrix.period} ${matrix.forecast.horizon}`
                : ''}
            </span>
          </span>
        ) : null}
        <span className="heat-legend-item">
          <em>italic</em>
          <span>cohort under {formatInteger(matrix.minCohortSize)} customers</span>
        </span>
      </div>
      {tip ? (
        <div
          className="floating-tooltip chart-tooltip"
          style={{ left: tip.x, top: tip.y }}
          role="tooltip"
          data-testid="heatmap-tooltip"
        >
          {tip.tip.kind === 'cell' ? (
            <CellTooltip
              detail={tip.tip.detail}
              expected={tip.tip.expected}
              metric={matrix.metric}
              period={matrix.period}
              asOf={asOf}
            />
          ) : tip.tip.kind === 'forecast' ? (
            <ForecastTooltip
              cohort={tip.tip.cohort}
              offset={tip.tip.offset}
              cell={tip.tip.cell}
              pooled={tip.tip.pooled}
              metric={matrix.metric}
              period={matrix.period}
              asOf={asOf}
            />
          ) : (
            <AverageTooltip
              cell={tip.tip.cell}
              metric={matrix.metric}
              period={matrix.period}
              asOf={asOf}
              label={averageLabel}
            />
          )}
        </div>
      ) : null}
    </>
  );
}

/**
 * A forecast as the counts view shows it: the expected customers or orders (share × cohort size),
 * or revenue (share of the first period × the first period's revenue).
 */
function forecastCount(row: CohortMatrix['cohorts'][number], value: number, metric: CohortMetric): number {
  return value * (metric === 'revenue' ? (row.counts[0] ?? 0) : row.size);
}

const METRIC_NAMES: Record<CohortMetric, string> = {
  customers: 'Retention',
  orders: 'Orders per customer',
  revenue: 'Revenue vs first period',
};

/** The line a value so far gets, in a tooltip. */
function IncompleteNote({ asOf }: { asOf: string }) {
  return (
    <p className="tooltip-incomplete">
      <strong>Incomplete:</strong> the period is not over at the as-of date ({asOf}); this is the value so
      far, not a final one.
    </p>
  );
}

function ForecastTooltip({
  cohort,
  offset,
  cell,
  pooled,
  metric,
  period,
  asOf,
}: {
  cohort: string;
  offset: number;
  cell: ForecastCell;
  pooled: boolean;
  metric: CohortMetric;
  period: Period;
  asOf: string;
}) {
  return (
    <>
      <p className="tooltip-title">
        {cohort} · {offsetLabel(period, offset)}
      </p>
      <p>
        <strong>Forecast</strong> {METRIC_NAMES[metric].toLowerCase()}:{' '}
        <strong>{formatCohortValue(metric, cell.value)}</strong>
      </p>
      <p data-testid="forecast-interval">
        {FORECAST_LEVEL}% interval: {formatCohortValue(metric, cell.lower)} –{' '}
        {formatCohortValue(metric, cell.upper)}
      </p>
      <p className="tooltip-incomplete">
        Not observed: this {period} has not begun at the as-of date ({asOf}).
        {pooled ? ' A small or new cohort: from the level pooled over all cohorts.' : ''}
      </p>
    </>
  );
}

function CellTooltip({
  detail,
  expected,
  metric,
  period,
  asOf,
}: {
  detail: CellDetail;
  expected: ForecastCell | null;
  metric: CohortMetric;
  period: Period;
  asOf: string;
}) {
  return (
    <>
      <p className="tooltip-title">
        {detail.cohort} · {offsetLabel(period, detail.offset)}
      </p>
      <p>
        {METRIC_NAMES[metric]}: <strong>{formatCohortValue(metric, detail.value)}</strong>
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
          95% interval: {formatPercent(detail.low)} – {formatPercent(detail.high)}
        </p>
      ) : null}
      {!detail.complete ? <IncompleteNote asOf={asOf} /> : null}
      {expected ? (
        <p data-testid="forecast-interval">
          <strong>Forecast</strong> at the period’s end: {formatCohortValue(metric, expected.value)} (
          {FORECAST_LEVEL}%: {formatCohortValue(metric, expected.lower)} –{' '}
          {formatCohortValue(metric, expected.upper)})
        </p>
      ) : null}
      {detail.small ? <p>Small cohort: read with care.</p> : null}
      <p className="muted">
        {formatInteger(detail.offset)} {period}s after the first order · click for the customers
      </p>
    </>
  );
}

function AverageTooltip({
  cell,
  metric,
  period,
  asOf,
  label,
}: {
  cell: AverageCell;
  metric: CohortMetric;
  period: Period;
  asOf: string;
  label: string;
}) {
  const per = averageCountPerCohort(cell);
  return (
    <>
      <p className="tooltip-title">
        {label} · {offsetLabel(period, cell.offset)}
      </p>
      <p>
        {METRIC_NAMES[metric]}: <strong>{formatCohortValue(metric, cell.value)}</strong>
      </p>
      <p>
        Over {formatInteger(cell.cohorts)} cohort{cell.cohorts === 1 ? '' : 's'} and{' '}
        {formatInteger(cell.base)} customers, each cohort weighted by its size
        {cell.complete ? ` (cohorts whose ${period} ${cell.offset} is not over are left out)` : ''}.
      </p>
      <p>
        Per cohort:{' '}
        {metric === 'revenue'
          ? `${formatMoney(per)} revenue`
          : `${formatInteger(per)} ${metric === 'customers' ? 'customers' : 'orders'}`}
      </p>
      {!cell.complete ? <IncompleteNote asOf={asOf} /> : null}
    </>
  );
}
