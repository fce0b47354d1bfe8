import type { CustomerScore } from '@retain/schemas';

export type TimelineEvent =
  | { kind: 'order'; at: string; id: string; value: number; lines: number }
  | {
      kind: 'complaint';
      at: string;
      id: string;
      resolvedAt: string | null;
      category: string | null;
      severity: number | null;
    }
  | { kind: 'return'; at: string; id: string; orderId: string | null; amount: number };

/** A customer's orders, complaints and returns as one history, newest first. */
export function customerTimeline(
  customer: Pick<CustomerScore, 'orders' | 'complaints' | 'returns'>,
): TimelineEvent[] {
  const events: TimelineEvent[] = [
    ...customer.orders.map(
      (o): TimelineEvent => ({
        kind: 'order',
        at: o.orderedAt,
        id: o.orderId,
        value: o.value,
        lines: o.lines,
      }),
    ),
    ...customer.complaints.map(
      (c): TimelineEvent => ({
        kind: 'complaint',
        at: c.openedAt,
        id: c.complaintId,
        resolvedAt: c.resolvedAt,
        category: c.category,
        severity: c.severity,
      }),
    ),
    ...customer.returns.map(
      (r): TimelineEvent => ({
        kind: 'return',
        at: r.returnedAt,
        id: r.returnId,
        orderId: r.orderId,
        amount: r.amount,
      }),
    ),
  ];
  // ISO timestamps sort as text; on the same instant an order comes before what followed it.
  const rank = { order: 0, complaint: 1, return: 2 } as const;
  return events.sort((a, b) => (a.at === b.at ? rank[b.kind] - rank[a.kind] : a.at < b.at ? 1 : -1));
}

/** Days a complaint stayed open (to its resolution, or to `now` while unresolved). */
export function daysOpen(openedAt: string, resolvedAt: string | null, now: string): number {
  const end = Date.parse(resolvedAt ?? now);
  return Math.max(0, Math.round((end - Date.parse(openedAt)) / 86_400_000));
}

/** "the same day", "in 1 day", "in 12 days". */
export function inDays(days: number): string {
  return days === 0 ? 'the same day' : `in ${days} day${days === 1 ? '' : 's'}`;
}

/** "for 1 day", "for 12 days". */
export function forDays(days: number): string {
  return `for ${days} day${days === 1 ? '' : 's'}`;
}
