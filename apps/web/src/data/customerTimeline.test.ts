import { describe, expect, it } from 'vitest';
import { customerTimeline, daysOpen, forDays, inDays } from './customerTimeline.ts';

describe('customerTimeline', () => {
  it('merges orders, complaints and returns, newest first', () => {
    const events = customerTimeline({
      orders: [
        { orderId: 'O1', orderedAt: '2024-01-01T10:00:00Z', value: 10, lines: 1 },
        { orderId: 'O2', orderedAt: '2024-03-01T10:00:00Z', value: 20, lines: 2 },
      ],
      complaints: [
        {
          complaintId: 'K1',
          openedAt: '2024-01-05T09:00:00Z',
          resolvedAt: null,
          category: 'late',
          severity: 2,
        },
      ],
      returns: [{ returnId: 'R1', orderId: 'O1', returnedAt: '2024-01-05T09:00:00Z', amount: 10 }],
    });
    expect(events.map((e) => `${e.kind}:${e.id}`)).toEqual([
      'order:O2',
      'return:R1',
      'complaint:K1',
      'order:O1',
    ]);
  });

  it('counts the days a complaint is or was open', () => {
    expect(daysOpen('2024-01-01T00:00:00Z', '2024-01-03T12:00:00Z', '2024-02-01T00:00:00Z')).toBe(3);
    expect(daysOpen('2024-01-01T00:00:00Z', null, '2024-01-11T00:00:00Z')).toBe(10);
  });

  it('says durations in words', () => {
    expect([inDays(0), inDays(1), inDays(3), forDays(1), forDays(2)]).toEqual([
      'the same day',
      'in 1 day',
      'in 3 days',
      'for 1 day',
      'for 2 days',
    ]);
  });
});
