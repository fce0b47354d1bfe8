import type { ReactNode } from 'react';
import { Definition } from './Definition.tsx';

export interface StatItem {
  label: string;
  value: string;
  testId?: string;
  /** Who the figure is over, in a short line under it. */
  note?: string;
  /** The whole definition, behind an ⓘ beside the label. */
  definition?: ReactNode;
}

/** A row of headline figures above a page's charts. */
export function Stats({ items }: { items: readonly StatItem[] }) {
  return (
    <dl className="stats card">
      {items.map((item) => (
        <div key={item.label}>
          <dt>
            <span data-testid={item.testId ? `${item.testId}-label` : undefined}>{item.label}</span>
            {item.definition ? (
              <Definition term={item.label} testId={item.testId ? `${item.testId}-definition` : undefined}>
                {item.definition}
              </Definition>
            ) : null}
          </dt>
          <dd data-testid={item.testId}>{item.value}</dd>
          {item.note ? (
            <dd className="stat-note" data-testid={item.testId ? `${item.testId}-note` : undefined}>
              {item.note}
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}
