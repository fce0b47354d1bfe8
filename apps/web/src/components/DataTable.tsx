import type { KeyboardEvent, ReactNode } from 'react';
import { type Column, cellText } from '../data/table.ts';

interface DataTableProps<R> {
  columns: readonly Column<R>[];
  rows: readonly R[];
  caption?: ReactNode;
  rowKey: (row: R, index: number) => string;
  /** Rows become focusable and open with a click or Enter. */
  onOpen?: (row: R) => void;
  selectedKey?: string | null;
  sort?: { key: string; direction: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  sortable?: readonly string[];
  testId?: string;
}

/** A plain table with numbers right-aligned, optional sorting headers and keyboard-openable rows. */
export function DataTable<R>({
  columns,
  rows,
  caption,
  rowKey,
  onOpen,
  selectedKey,
  sort,
  onSort,
  sortable,
  testId,
}: DataTableProps<R>) {
  const onKey = (event: KeyboardEvent<HTMLTableRowElement>, row: R) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen?.(row);
    }
  };
  return (
    <table className="grid" data-testid={testId}>
      {caption ? <caption className="visually-hidden">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c) => {
            const sorted = sort?.key === c.key;
            const ariaSort = sorted ? (sort?.direction === 'asc' ? 'ascending' : 'descending') : undefined;
            return (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={ariaSort}>
                {onSort && sortable?.includes(c.key) ? (
                  <button type="button" className="sort-button" onClick={() => onSort(c.key)}>
                    {c.label}
                    {sorted ? (sort?.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => {
          const key = rowKey(row, i);
          return (
            <tr
              key={key}
              className={`${onOpen ? 'clickable' : ''}${selectedKey === key ? ' selected' : ''}`}
              tabIndex={onOpen ? 0 : undefined}
              onClick={onOpen ? () => onOpen(row) : undefined}
              onKeyDown={onOpen ? (e) => onKey(e, row) : undefined}
              aria-selected={onOpen ? selectedKey === key : undefined}
            >
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {cellText(c, row)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
