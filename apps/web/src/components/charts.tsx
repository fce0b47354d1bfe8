import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import { type ChartRow, maxOf, niceTicks, numberAt, type Series } from '../data/chartData.ts';

/*
 * The two chart shapes the dashboard uses, drawn the same way everywhere: colours from the theme's
 * series variables, no animation (charts appear at once and screenshots are stable), a tooltip that
 * formats like the tables, and the SVG titled for screen readers.
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

/** The series' names and colours above the chart, as plain HTML (no measuring pass inside Recharts). */
function SeriesLegend({ series }: { series: readonly Series[] }) {
  return (
    <ul className="chart-legend" aria-hidden="true">
      {series.map((s, i) => (
        <li key={s.key}>
          <span
            className={`swatch${s.dashed ? ' dashed' : ''}`}
            style={{
              background: s.dashed ? undefined : (s.color ?? seriesColor(i)),
              borderColor: s.color ?? seriesColor(i),
            }}
          />
          {s.label}
        </li>
      ))}
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
}: TooltipContentProps & {
  xFormat?: CommonProps['xFormat'];
  yFormat?: CommonProps['yFormat'];
  extra?: CommonProps['tooltipExtra'];
}) {
  if (!active || !payload || payload.length === 0) return null;
  const row = payload[0]?.payload as ChartRow | undefined;
  return (
    <div className="chart-tooltip">
      <p className="tooltip-title">{label === undefined ? '' : xFormat ? xFormat(label) : String(label)}</p>
      {payload.map((entry) => (
        <p key={String(entry.dataKey)}>
          <span className="swatch" style={{ background: entry.color }} aria-hidden="true" />
          {entry.name}:{' '}
          <strong>
            {typeof entry.value === 'number' ? (yFormat ? yFormat(entry.value) : String(entry.value)) : '—'}
          </strong>
        </p>
      ))}
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
  const keys = props.series.map((s) => s.key);
  if (props.data.some((row) => keys.some((k) => (numberAt(row, k) ?? 0) < 0)))
    return { domain: ['auto', 'auto'] };
  const ticks = niceTicks(maxOf(props.data, keys));
  return { domain: [0, ticks.at(-1) ?? 1], ticks };
}

function axes(props: CommonProps, xType: 'category' | 'number', everyTick: boolean) {
  return [
    <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
    <XAxis
      key="x"
      dataKey={props.xKey}
      type={xType}
      domain={xType === 'number' ? ['dataMin', 'dataMax'] : undefined}
      tick={AXIS_TICK}
      tickFormatter={props.xFormat}
      label={
        props.xLabel ? { value: props.xLabel, position: 'insideBottom', offset: -4, fontSize: 12 } : undefined
      }
      minTickGap={12}
      interval={everyTick && props.data.length <= 16 ? 0 : 'preserveEnd'}
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
        <ChartTooltip {...p} xFormat={props.xFormat} yFormat={props.yFormat} extra={props.tooltipExtra} />
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

export function LineSeriesChart(props: CommonProps & { xType?: 'category' | 'number'; dots?: boolean }) {
  const { data, series, title, height = 280, legend = series.length > 1 } = props;
  return (
    <>
      {legend ? <SeriesLegend series={series} /> : null}
      <LineChart
        width={props.width}
        height={height}
        data={data as ChartRow[]}
        margin={{ top: 16, right: 28, bottom: props.xLabel ? 16 : 4, left: 0 }}
        title={title}
      >
        {axes(props, props.xType ?? 'category', false)}
        {series.map((s, i) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={s.color ?? seriesColor(i)}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '5 4' : undefined}
            dot={props.dots ?? data.length <= 24}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
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
      {legend ? <SeriesLegend series={series} /> : null}
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
