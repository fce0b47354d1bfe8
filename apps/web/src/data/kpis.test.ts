import { describe, expect, it } from 'vitest';
import {
  type Kpi,
  type Kpis,
  kpiChange,
  kpiDefinition,
  overviewSummary,
  trendDays,
  usableTrendDays,
} from './kpis.ts';

const kpi = (value: number | null, previous: number | null): Kpi => ({
  value,
  previous,
  delta: value === null || previous === null ? null : value - previous,
});

function kpis(overrides: Partial<Kpis['kpis']>): Kpis {
  const none = kpi(null, null);
  return {
    asOf: '2026-09-30',
    previousAsOf: '2026-07-02',
    windowDays: 90,
    dataStart: '2023-10-01',
    dataEnd: '2026-09-30',
    kpis: {
      activeCustomers: none,
      newCustomers: none,
      repeatRate90d: none,
      churnRate: none,
      revenue: none,
      netRevenueRetention12m: none,
      complaintRate: none,
      medianResolutionDays: none,
      returnRate: none,
      atRiskRevenue: none,
      ...overrides,
    },
    populations: { churnRate: null, repeatRate90d: null, netRevenueRetention12m: null },
    atRiskScores: null,
    modelHasScored: false,
  };
}

describe('kpiChange', () => {
  it('calls a fall in churn better and a fall in revenue worse', () => {
    expect(kpiChange(kpiDefinition('churnRate'), kpi(0.3, 0.32))).toMatchObject({
      arrow: '▼',
      verdict: 'better',
    });
    expect(kpiChange(kpiDefinition('revenue'), kpi(90, 100))).toMatchObject({ arrow: '▼', verdict: 'worse' });
    expect(kpiChange(kpiDefinition('activeCustomers'), kpi(110, 100))).toMatchObject({
      arrow: '▲',
      verdict: 'better',
      text: '+10 (+10%)',
    });
  });

  it('writes share changes in percentage points and ignores noise', () => {
    expect(kpiChange(kpiDefinition('repeatRate90d'), kpi(0.25, 0.229))?.text).toBe('+2.1 pp');
    expect(kpiChange(kpiDefinition('repeatRate90d'), kpi(0.2501, 0.25))?.verdict).toBe('flat');
    expect(kpiChange(kpiDefinition('revenue'), kpi(1001, 1000))?.verdict).toBe('flat');
  });

  it('has nothing to say without a previous value', () => {
    expect(kpiChange(kpiDefinition('churnRate'), kpi(0.3, null))).toBeNull();
  });
});

describe('overviewSummary', () => {
  it('says retention is improving when churn falls and repeat purchase rises', () => {
    const text = overviewSummary(
      kpis({ churnRate: kpi(0.3, 0.32), repeatRate90d: kpi(0.26, 0.24), atRiskRevenue: kpi(125000, null) }),
    );
    expect(text).toMatch(/^Retention is improving: churn fell 2 points to 30%/);
    expect(text).toContain('26% of new customers buy again within 90 days (up 2 points');
    expect(text).toContain('125,000 in customer value is at risk');
    expect(text.endsWith('.')).toBe(true);
  });

  it('says worse, mixed or steady from the two verdicts', () => {
    expect(overviewSummary(kpis({ churnRate: kpi(0.35, 0.3), repeatRate90d: kpi(0.2, 0.25) }))).toMatch(
      /^Retention is getting worse/,
    );
    expect(overviewSummary(kpis({ churnRate: kpi(0.35, 0.3), repeatRate90d: kpi(0.3, 0.25) }))).toMatch(
      /^Retention is mixed/,
    );
    expect(overviewSummary(kpis({ churnRate: kpi(0.3, 0.3), repeatRate90d: kpi(0.25, 0.25) }))).toMatch(
      /^Retention is holding steady/,
    );
    expect(overviewSummary(kpis({}))).toBe('There is not enough history yet to judge retention.');
  });
});

describe('trend days', () => {
  it('steps back from the end and drops days before the first full window', () => {
    expect(trendDays('2026-09-30', 3, 30)).toEqual(['2026-08-01', '2026-08-31', '2026-09-30']);
    expect(usableTrendDays(['2024-01-01', '2024-06-01'], '2023-10-01', 180)).toEqual(['2024-06-01']);
  });
});
