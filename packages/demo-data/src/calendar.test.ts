import { describe, expect, it } from 'vitest';
import { historyWindow, parseIsoDate, TimestampFormatter, toWholeSeconds } from './calendar.ts';

describe('calendar', () => {
  it('spans round(years · 365.25) days ending on the end date inclusive', () => {
    const window = historyWindow('2026-09-30', 3);
    expect(window).toMatchObject({ start: '2023-10-01', end: '2026-09-30', days: 1096 });
    expect(window.startMs).toBe(Date.UTC(2023, 9, 1));
    expect(historyWindow('2025-12-31', 1).start).toBe('2025-01-01');
  });

  it('rejects malformed and impossible dates and non-positive lengths', () => {
    expect(() => parseIsoDate('2026-9-30')).toThrow(/YYYY-MM-DD/);
    expect(() => parseIsoDate('2026-02-29')).toThrow(/calendar date/);
    expect(() => historyWindow('2026-09-30', 0)).toThrow(/years/);
  });

  it('formats generator times as UTC dates and timestamps to the second', () => {
    const formatter = new TimestampFormatter(Date.UTC(2023, 9, 1), 10);
    const t = toWholeSeconds(2 + (13 * 3600 + 5 * 60 + 9.7) / 86_400);
    expect(formatter.timestamp(t)).toBe('2023-10-03 13:05:09');
    expect(formatter.date(t)).toBe('2023-10-03');
    // Past the precomputed table the formatter still answers.
    expect(formatter.timestamp(40.5)).toBe('2023-11-10 12:00:00');
  });
});
