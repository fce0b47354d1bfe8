import { type ComponentProps, lazy, type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { Skeleton } from './states.tsx';

/*
 * Charts are drawn only when they come near the viewport, from a chunk of their own, one per frame:
 * a page's figures and tables paint first (the overview's tiles do not wait for the chart library),
 * a page switch shows the new page at once and its charts right after, charts below the fold cost
 * nothing until scrolled to, and everything is drawn before printing.
 */

/** Charts waiting to be drawn, in the order they came into view; one is drawn per frame. */
const queue: (() => void)[] = [];
let draining = false;

function drawNext(): void {
  const next = queue.shift();
  if (!next) {
    draining = false;
    return;
  }
  next();
  // After this chart's render is committed and painted, the next one.
  requestAnimationFrame(() => setTimeout(drawNext, 0));
}

function scheduleDraw(draw: () => void): () => void {
  queue.push(draw);
  if (!draining) {
    draining = true;
    requestAnimationFrame(() => setTimeout(drawNext, 0));
  }
  return () => {
    const at = queue.indexOf(draw);
    if (at >= 0) queue.splice(at, 1);
  };
}

const charts = () => import('./charts.tsx');
const LazyLine = lazy(() => charts().then((m) => ({ default: m.LineSeriesChart })));
const LazyBar = lazy(() => charts().then((m) => ({ default: m.BarSeriesChart })));

type LineProps = Omit<ComponentProps<typeof LazyLine>, 'width'>;
type BarProps = Omit<ComponentProps<typeof LazyBar>, 'width'>;

function WhenVisible({ height, children }: { height: number; children: (width: number) => ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    // The chart is drawn at the box's width, kept current when the window or layout changes.
    setWidth(element.clientWidth);
    const resize = new ResizeObserver(() => setWidth(element.clientWidth));
    resize.observe(element);
    return () => resize.disconnect();
  }, []);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let cancel = () => {};
    const show = () => setVisible(true);
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          cancel = scheduleDraw(show);
        }
      },
      { rootMargin: '120px 0px' },
    );
    observer.observe(element);
    window.addEventListener('beforeprint', show);
    return () => {
      cancel();
      observer.disconnect();
      window.removeEventListener('beforeprint', show);
    };
  }, []);
  const placeholder = <Skeleton height={height} />;
  return (
    <div ref={box} style={{ minHeight: height }}>
      {visible && width > 0 ? <Suspense fallback={placeholder}>{children(width)}</Suspense> : placeholder}
    </div>
  );
}

export function LineChart(props: LineProps) {
  return (
    <WhenVisible height={props.height ?? 280}>{(width) => <LazyLine {...props} width={width} />}</WhenVisible>
  );
}

export function BarChart(props: BarProps) {
  return (
    <WhenVisible height={props.height ?? 280}>{(width) => <LazyBar {...props} width={width} />}</WhenVisible>
  );
}

/** Starts downloading the chart library (e.g. once a page's first figures are on screen). */
export function preloadCharts(): void {
  void charts();
}
