import type { ReactNode } from 'react';
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Line,
  ReferenceLine,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import { type ChartRow, evenTicks, maxOf, niceTicks, numberAt, type Series } from '../data/chartData.ts';

/*
 * The two chart shapes the dashboard uses, drawn the same way everywhere: colours from the theme's
 * series variables, no animation (charts appear at once and screenshots are stable), a tooltip that
 * formats like the tables, and the SVG titled for screen readers. Lines are straight segments
 * between the points: a smoothed curve would invent values between them (a bump where the tail
 * is sparse). A series' values so far (`tailOf`) are dashed with hollow points and named so.
 */

export interface Reference {
  x?: number | string;
  y?: number;
  label: string;
}

interface CommonProps {
  data: readonly ChartRow[];
  xKey: string;
  series: readonly Series[];
  /** The chart's accessible name. */
  title: string;
  height?: number;
  xFormat?: (value: string | number) => string;
  /** The x axis's tick labels, when shorter than `xFormat` (which the tooltip uses): "6" for "Month 6". */
  xTickFormat?: (value: string | number) => string;
  yFormat?: (value: number) => string;
  xLabel?: string;
  yLabel?: string;
  yDomain?: [number | 'auto' | 'dataMin', number | 'auto' | 'dataMax'];
  references?: readonly Reference[];
  /** Extra lines under the values in the tooltip, for the hovered row. */
  tooltipExtra?: (row: ChartRow) => ReactNode;
  legend?: boolean;
  /** Pixels; the wrapper measures its box (a fixed size spares Recharts a measuring render). */
  width: number;
}

export const seriesColor = (index: number) => `var(--series-${(index % 8) + 1})`;

/** Each series' colour: its own, else by its place (a "so far" end takes its curve's). */
function colorsOf(series: readonly Series[]): Map<string, string> {
  const colors = new Map<string, string>();
  series.forEach((s, i) => {
    if (!s.tailOf && !s.forecastOf) colors.set(s.key, s.color ?? seriesColor(i));
  });
  for (const s of series) {
    const of = s.tailOf ?? s.forecastOf;
    if (of) colors.set(s.key, s.color ?? colors.get(of) ?? seriesColor(0));
  }
  return colors;
}

/**
 * The series' names and colours above the chart, as plain HTML (no measuring pass inside
 * Recharts). "So far" ends get one entry that says what dashing means, and bands one for theirs.
 */
function SeriesLegend({
  series,
  colors,
  showNames,
}: {
  series: readonly Series[];
  colors: Map<string, string>;
  showNames: boolean;
}) {
  const curves = series.filter((s) => !s.tailOf && !s.forecastOf);
  const hasTail = series.some((s) => s.tailOf);
  const hasForecast = series.some((s) => s.forecastOf);
  const bandLevels = [
    ...new Set(series.filter((s) => s.band && !s.forecastOf).map((s) => s.band?.level ?? 95)),
  ];
  const forecastLevels = [
    ...new Set(series.filter((s) => s.band && s.forecastOf).map((s) => s.band?.level ?? 95)),
  ];
  if (!showNames && !hasTail && bandLevels.length === 0 && !hasForecast) return null;
  return (
    <ul className="chart-legend" aria-hidden="true" data-testid="chart-legend">
      {showNames
        ? curves.map((s) => (
            <li key={s.key}>
              <span
                className={`swatch${s.dashed ? ' dashed' : ''}`}
                style={{
                  background: s.dashed ? undefined : colors.get(s.key),
                  borderColor: colors.get(s.key),
                }}
              />
              {s.label}
            </li>
          ))
        : null}
      {hasTail ? (
        <li className="legend-so-far">
          <span className="swatch dashed" style={{ borderColor: 'var(--muted)' }} />
          <span className="swatch-point" />
          so far: period not over at the as-of date
        </li>
      ) : null}
      {bandLevels.map((level) => (
        <li key={`band-${level}`}>
          <span className="swatch band" />
          {level}% interval
        </li>
      ))}
      {hasForecast ? (
        <li className="legend-forecast">
          <span className="swatch dashed forecast" style={{ borderColor: 'var(--muted)' }} />
          forecast{forecastLevels.length > 0 ? `, with its ${forecastLevels.join(' / ')}% interval` : ''}
        </li>
      ) : null}
    </ul>
  );
}

const AXIS_TICK = { fontSize: 12 };

function ChartTooltip({
  active,
  payload,
  label,
  xFormat,
  yFormat,
  extra,
  series = [],
}: TooltipContentProps & {
  xFormat?: CommonProps['xFormat'];
  yFormat?: CommonProps['yFormat'];
  extra?: CommonProps['tooltipExtra'];
  series?: readonly Series[];
}) {
  if (!active || !payload || payload.length === 0) return null;
  const row = payload[0]?.payload as ChartRow | undefined;
  const byKey = new Map(series.map((s) => [s.key, s]));
  const format = (v: number) => (yFormat ? yFormat(v) : String(v));
  // Bands are drawn, not listed (their curve's line says the interval); the point where a "so
  // far" end joins its curve is the curve's final value, listed once.
  const entries = payload.filter((entry) => {
    if (typeof entry.dataKey !== 'string') return false;
    const s = byKey.get(entry.dataKey);
    const of = s?.tailOf ?? s?.forecastOf;
    return !(of && row && numberAt(row, of) !== null);
  });
  return (
    <div className="chart-tooltip">
      <p className="tooltip-title">{label === undefined ? '' : xFormat ? xFormat(label) : String(label)}</p>
      {entries.map((entry) => {
        const s = byKey.get(String(entry.dataKey));
        const low = s?.band && row ? numberAt(row, s.band.low) : null;
        const high = s?.band && row ? numberAt(row, s.band.high) : null;
        return (
          <p key={String(entry.dataKey)}>
            <span className="swatch" style={{ background: entry.color }} aria-hidden="true" />
            {s?.tailOf || s?.forecastOf
              ? (byKey.get(s.tailOf ?? s.forecastOf ?? '')?.label ?? entry.name)
              : entry.name}
            {s?.forecastOf ? ' forecast' : ''}:{' '}
            <strong>{typeof entry.value === 'number' ? format(entry.value) : '—'}</strong>
            {s?.tailOf ? ' so far (incomplete: the period is not over at the as-of date)' : ''}
            {low !== null && high !== null
              ? ` (${s?.band?.level ?? 95}%: ${format(low)} – ${format(high)})`
              : ''}
          </p>
        );
      })}
      {row && extra ? extra(row) : null}
    </div>
  );
}

/** Round ticks from zero, unless a domain is given or some value is negative (then Recharts decides). */
function yScale(props: CommonProps): {
  domain?: [number | 'auto' | 'dataMin', number | 'auto' | 'dataMax'];
  ticks?: number[];
} {
  if (props.yDomain) return { domain: props.yDomain };
  // A band's upper edge must fit as well as the lines.
  const keys = props.series.flatMap((s) => (s.band ? [s.key, s.band.high] : [s.key]));
  if (props.data.some((row) => keys.some((k) => (numberAt(row, k) ?? 0) < 0)))
    return { domain: ['auto', 'auto'] };
  const ticks = niceTicks(maxOf(props.data, keys));
  return { domain: [0, ticks.at(-1) ?? 1], ticks };
}

/** Pixels each x tick label gets, at least, when ticks are chosen evenly. */
const X_TICK_SPACE = 56;

/** Evenly spaced ticks on a numeric x axis of whole numbers, as many as the width has room for. */
function xTicks(props: CommonProps & { xTickSteps?: readonly number[] }): number[] | undefined {
  if (!props.xTickSteps) return undefined;
  const xs = props.data.map((row) => numberAt(row, props.xKey)).filter((x): x is number => x !== null);
  if (xs.length === 0) return undefined;
  return evenTicks(Math.min(...xs), Math.max(...xs), props.width / X_TICK_SPACE, props.xTickSteps);
}

function axes(
  props: CommonProps & { xTickSteps?: readonly number[] },
  xType: 'category' | 'number',
  everyTick: boolean,
) {
  const ticks = xType === 'number' ? xTicks(props) : undefined;
  return [
    <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
    <XAxis
      key="x"
      dataKey={props.xKey}
      type={xType}
      domain={xType === 'number' ? ['dataMin', 'dataMax'] : undefined}
      tick={AXIS_TICK}
      tickFormatter={props.xTickFormat ?? props.xFormat}
      label={
        props.xLabel ? { value: props.xLabel, position: 'insideBottom', offset: -4, fontSize: 12 } : undefined
      }
      {...(ticks
        ? { ticks, interval: 0 as const, allowDecimals: false }
        : { minTickGap: 12, interval: everyTick && props.data.length <= 16 ? (0 as const) : 'preserveEnd' })}
    />,
    <YAxis
      key="y"
      tick={AXIS_TICK}
      tickFormatter={props.yFormat}
      {...yScale(props)}
      width="auto"
      label={
        props.yLabel
          ? { value: props.yLabel, angle: -90, position: 'insideLeft', offset: 8, fontSize: 12, dy: 40 }
          : undefined
      }
    />,
    <Tooltip
      key="tooltip"
      content={(p) => (
        <ChartTooltip
          {...p}
          xFormat={props.xFormat}
          yFormat={props.yFormat}
          extra={props.tooltipExtra}
          series={props.series}
        />
      )}
      isAnimationActive={false}
    />,
    ...(props.references ?? []).map((r) => (
      <ReferenceLine
        key={`ref-${r.label}`}
        x={r.x}
        y={r.y}
        stroke="var(--text)"
        strokeDasharray="4 3"
        label={{
          value: r.label,
          position: r.x !== undefined ? 'top' : 'insideTopRight',
          fontSize: 12,
          fill: 'var(--text)',
        }}
        ifOverflow="extendDomain"
      />
    )),
  ];
}

/** A value so far: a hollow point, its outline solid even on a dashed line. */
const HOLLOW = { fill: 'var(--panel)', strokeWidth: 2, strokeDasharray: '0' };

export function LineSeriesChart(
  props: CommonProps & {
    xType?: 'category' | 'number';
    dots?: boolean;
    /** Round steps for evenly spaced ticks on a numeric x axis (e.g. every 3, 6 or 12 months). */
    xTickSteps?: readonly number[];
  },
) {
  const { data, series, title, height = 280 } = props;
  const curves = series.filter((s) => !s.tailOf && !s.forecastOf);
  const legend = props.legend ?? curves.length > 1;
  const colors = colorsOf(series);
  const dots = props.dots ?? data.length <= 24;
  const forecasted = new Set(series.flatMap((s) => (s.forecastOf ? [s.forecastOf] : [])));
  return (
    <>
      <SeriesLegend series={series} colors={colors} showNames={legend} />
      <ComposedChart
        width={props.width}
        height={height}
        data={data as ChartRow[]}
        margin={{ top: 16, right: 28, bottom: props.xLabel ? 16 : 4, left: 0 }}
        title={title}
      >
        {axes(props, props.xType ?? 'category', false)}
        {series.map((s) =>
          s.band ? (
            <Area
              key={`${s.key}-band`}
              type="linear"
              dataKey={(row: ChartRow) => {
                const low = s.band ? numberAt(row, s.band.low) : null;
                const high = s.band ? numberAt(row, s.band.high) : null;
                return low === null || high === null ? null : [low, high];
              }}
              name={`${s.label} ${s.band?.level ?? 95}% interval`}
              stroke="none"
              fill={colors.get(s.key)}
              fillOpacity={s.forecastOf ? 0.1 : 0.14}
              connectNulls={false}
              isAnimationActive={false}
              activeDot={false}
              tooltipType="none"
              className="chart-band"
            />
          ) : null,
        )}
        {series.map((s) => {
          const color = colors.get(s.key);
          const tail = s.tailOf !== undefined;
          const forecast = s.forecastOf !== undefined;
          return (
            <Line
              key={s.key}
              type="linear"
              dataKey={s.key}
              name={s.label}
              stroke={color}
              strokeWidth={2}
              strokeDasharray={forecast ? '2 4' : s.dashed || tail ? '5 4' : undefined}
              strokeOpacity={forecast ? 0.8 : undefined}
              // A value so far is a hollow point even where the curve's points are not drawn.
              dot={
                tail
                  ? { ...HOLLOW, r: 3.5, stroke: color, className: 'chart-so-far-point' }
                  : forecast && dots
                    ? (point: { cx?: number; cy?: number; index?: number; payload?: ChartRow }) =>
                        // Where the forecast joins its curve the point is the curve's own: not drawn again.
                        point.payload && s.forecastOf && numberAt(point.payload, s.forecastOf) !== null ? (
                          <g key={`join-${point.index}`} />
                        ) : (
                          <circle
                            key={`forecast-${point.index}`}
                            cx={point.cx}
                            cy={point.cy}
                            r={3}
                            stroke={color}
                            {...HOLLOW}
                            className="chart-forecast-point"
                          />
                        )
                    : s.noDots
                      ? false
                      : dots && forecasted.has(s.key)
                        ? // Beside hollow forecast points, observed ones are solid.
                          { r: 3, fill: color, stroke: color, className: 'chart-observed-point' }
                        : dots
              }
              activeDot={tail ? { ...HOLLOW, r: 4, stroke: color } : undefined}
              connectNulls={false}
              isAnimationActive={false}
              className={tail ? 'chart-so-far' : forecast ? 'chart-forecast' : undefined}
            />
          );
        })}
      </ComposedChart>
    </>
  );
}

type BarProps = CommonProps & {
  stacked?: boolean;
  horizontal?: boolean;
  /** Colour each bar of a single series by its row (e.g. highlight one bar). */
  barColor?: (row: ChartRow, index: number) => string | undefined;
};

/** One <Bar> per series, each bar coloured by `barColor` where given. */
function bars({ series, data, barColor, stacked }: BarProps) {
  return series.map((s, i) => (
    <Bar
      key={s.key}
      dataKey={s.key}
      name={s.label}
      fill={s.color ?? seriesColor(i)}
      stackId={stacked ? 'stack' : undefined}
      isAnimationActive={false}
    >
      {barColor
        ? data.map((row, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one cell per bar, in data order
            <Cell key={j} fill={barColor(row, j) ?? s.color ?? seriesColor(i)} />
          ))
        : null}
    </Bar>
  ));
}

export function BarSeriesChart(props: BarProps) {
  const { data, series, title, height = 280, legend = series.length > 1 } = props;
  const colors = colorsOf(series);
  if (props.horizontal) {
    return (
      <BarChart
        layout="vertical"
        width={props.width}
        height={height}
        data={data as ChartRow[]}
        margin={{ top: 8, right: 24, bottom: 4, left: 8 }}
        title={title}
      >
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tick={AXIS_TICK} tickFormatter={props.yFormat} domain={props.yDomain} />
        <YAxis type="category" dataKey={props.xKey} tick={AXIS_TICK} width={170} interval={0} />
        <Tooltip
          content={(p) => (
            <ChartTooltip {...p} xFormat={props.xFormat} yFormat={props.yFormat} extra={props.tooltipExtra} />
          )}
          isAnimationActive={false}
        />
        {bars(props)}
      </BarChart>
    );
  }
  return (
    <>
      <SeriesLegend series={series} colors={colors} showNames={legend} />
      <BarChart
        width={props.width}
        height={height}
        data={data as ChartRow[]}
        margin={{ top: 16, right: 20, bottom: props.xLabel ? 16 : 4, left: 0 }}
        title={title}
      >
        {axes(props, 'category', true)}
        {bars(props)}
      </BarChart>
    </>
  );
}
