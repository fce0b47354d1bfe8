// biome-ignore-all lint/a11y/useSemanticElements: virtualised rows are absolutely positioned, which table layout cannot do; ARIA table roles keep the semantics
// biome-ignore-all lint/a11y/useKeyWithClickEvents: Enter and Space on the table open the focused row (onKeyDown on the table)
// biome-ignore-all lint/a11y/useFocusableInteractive: one row is the table's tab stop (roving tabindex); header cells are not interactive
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { formatInteger } from '../format.ts';
import { Skeleton } from './states.tsx';

export interface VirtualColumn<R> {
  key: string;
  label: string;
  /** A longer name for the header's tooltip. */
  title?: string;
  numeric?: boolean;
  render: (row: R) => ReactNode;
  cellTitle?: (row: R) => string | undefined;
}

interface VirtualTableProps<R> {
  /** The table's accessible name. */
  label: string;
  total: number;
  columns: readonly VirtualColumn<R>[];
  /** CSS grid-template-columns of every row. */
  template: string;
  rowHeight?: number;
  /** The row at an index, or undefined while its page loads (a placeholder is shown). */
  rowAt: (index: number) => R | undefined;
  rowKey: (row: R) => string;
  selectedKey?: string | null;
  onOpen: (row: R) => void;
  /** The indices on screen (with overscan), so the caller fetches only the pages they fall in. */
  onRangeChange: (first: number, last: number) => void;
  testId?: string;
}

/**
 * A table of any length: only the rows on screen are in the DOM (TanStack Virtual), so 100,000
 * rows scroll like 100. One tab stop; arrow keys, Page Up/Down, Home and End move the focused
 * row (scrolling it into view), Enter or a click opens it.
 */
export function VirtualTable<R>({
  label,
  total,
  columns,
  template,
  rowHeight = 44,
  rowAt,
  rowKey,
  selectedKey,
  onOpen,
  onRangeChange,
  testId,
}: VirtualTableProps<R>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const focusAfterMove = useRef(false);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;

  useEffect(() => onRangeChange(first, last), [first, last, onRangeChange]);
  useEffect(() => {
    if (!focusAfterMove.current) return;
    focusAfterMove.current = false;
    scroller.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.focus();
  });

  const move = (to: number) => {
    const next = Math.max(0, Math.min(total - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    focusAfterMove.current = true;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const screen = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 600) / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + screen,
      PageUp: active - screen,
      Home: 0,
      End: total - 1,
    };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      move(to);
    } else if (event.key === 'Enter' || event.key === ' ') {
      const row = rowAt(active);
      if (row) {
        event.preventDefault();
        onOpen(row);
      }
    }
  };

  return (
    <div
      className="vlist"
      ref={scroller}
      role="table"
      aria-label={label}
      aria-rowcount={total + 1}
      data-testid={testId}
      onKeyDown={onKeyDown}
    >
      <div
        className="vrow vhead"
        role="row"
        aria-rowindex={1}
        style={{ gridTemplateColumns: template, height: rowHeight }}
      >
        {columns.map((c) => (
          <span key={c.key} role="columnheader" className={c.numeric ? 'num' : undefined} title={c.title}>
            {c.label}
          </span>
        ))}
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rowAt(item.index);
          const style = {
            position: 'absolute' as const,
            top: 0,
            left: 0,
            right: 0,
            height: item.size,
            transform: `translateY(${item.start}px)`,
            gridTemplateColumns: template,
          };
          if (!row)
            return (
              <div
                key={item.key}
                className="vrow"
                role="row"
                aria-rowindex={item.index + 2}
                style={style}
                data-index={item.index}
              >
                <span role="cell" className="num">
                  {formatInteger(item.index + 1)}
                </span>
                <span role="cell" style={{ gridColumn: '2 / -1' }}>
                  <Skeleton height={14} />
                </span>
              </div>
            );
          const key = rowKey(row);
          return (
            <div
              key={item.key}
              className="vrow"
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selectedKey === key}
              tabIndex={item.index === active ? 0 : -1}
              style={style}
              data-index={item.index}
              data-key={key}
              onClick={() => {
                setActive(item.index);
                onOpen(row);
              }}
              onFocus={() => setActive(item.index)}
            >
              {columns.map((c) => (
                <span
                  key={c.key}
                  role="cell"
                  className={c.numeric ? 'num' : undefined}
                  title={c.cellTitle?.(row)}
                >
                  {c.render(row)}
                </span>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
