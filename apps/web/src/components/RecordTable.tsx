import type { ReactNode } from 'react';
import { ScrollRegion } from './ScrollRegion.tsx';

/** A column of a RecordTable: its header and what each row shows in it. */
export interface RecordColumn<R> {
  key: string;
  label: string;
  /** The header is read to screen readers only (a column of buttons needs no visible title). */
  labelHidden?: boolean;
  /** The cell that names the row (a rule's name, a user): a row header for screen readers. */
  rowHeader?: boolean;
  /** `num` right-aligns numbers; `actions` keeps buttons narrow; `break` wraps long URLs. */
  className?: 'num' | 'actions' | 'break' | 'detail';
  /** Shown on hover: the whole value where the cell shows it shortened. */
  title?: (row: R) => string | undefined;
  cell: (row: R) => ReactNode;
}

/** Attributes a row carries for tests and styles, e.g. `{ 'data-user': 'ana' }`. */
export type RowAttributes = Record<`data-${string}`, string>;

interface RecordTableProps<R> {
  /** The scrolling region's name, read by screen readers. */
  label: string;
  /** The table's caption, read by screen readers (the card's heading is the visible title); `label` if absent. */
  caption?: string;
  columns: readonly RecordColumn<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string | number;
  rowAttributes?: (row: R) => RowAttributes;
  className?: string;
  testId?: string;
}

/**
 * A table of records with actions (people, alert rules, deliveries, log entries) in a scrolling
 * region a keyboard can reach: one header row, a row header naming each row, buttons in their own
 * narrow column. Plain figure tables with sorting and CSV use DataTable.
 */
export function RecordTable<R>({
  label,
  caption,
  columns,
  rows,
  rowKey,
  rowAttributes,
  className,
  testId,
}: RecordTableProps<R>) {
  return (
    <ScrollRegion label={label}>
      <table className={className ? `grid ${className}` : 'grid'} data-testid={testId}>
        <caption className="visually-hidden">{caption ?? label}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.className === 'num' ? 'num' : undefined}>
                {c.labelHidden ? <span className="visually-hidden">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowAttributes?.(row)}>
              {columns.map((c) => {
                const Cell = c.rowHeader ? 'th' : 'td';
                return (
                  <Cell
                    key={c.key}
                    scope={c.rowHeader ? 'row' : undefined}
                    className={c.className}
                    title={c.title?.(row)}
                  >
                    {c.cell(row)}
                  </Cell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
