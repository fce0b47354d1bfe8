import { describe, expect, it } from 'vitest';
import {
  atRiskScoresText,
  dayBefore,
  formatDayRange,
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
      text: expect.stringMatching(/^\+10 \(\+10(\.0)?%\)$/),
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
    expect(text).toMatch(/^Retention is improving: churn among active customers fell 2 points to 30(\.0)?%/);
    expect(text).toMatch(/26(\.0)?% of recent new customers bought again within 90 days \(up 2 points/);
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

  it('adds month-1 retention of the latest complete cohort against the six before it', () => {
    const text = overviewSummary(kpis({ churnRate: kpi(0.3, 0.32), repeatRate90d: kpi(0.26, 0.24) }), {
      cohort: '2026-08',
      value: 0.305,
      previousMean: 0.273,
      previousCohorts: ['2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07'],
      delta: 0.032,
    });
    expect(text).toMatch(
      /; month-1 retention of the latest complete cohort \(2026-08\) was 30\.5%, 3\.2 points above the average of the 6 before it \(27\.3%\)\.$/,
    );
    expect(overviewSummary(kpis({ churnRate: kpi(0.3, 0.32) }), null)).not.toContain('month-1');
  });
});

describe('trend days', () => {
  it('steps back from the end and drops days before the first full window', () => {
    expect(trendDays('2026-09-30', 3, 30)).toEqual(['2026-08-01', '2026-08-31', '2026-09-30']);
    expect(usableTrendDays(['2024-01-01', '2024-06-01'], '2023-10-01', 180)).toEqual(['2024-06-01']);
  });
});

describe('KPI definitions', () => {
  const withPopulations = (): Kpis => ({
    ...kpis({ churnRate: kpi(0.42, 0.41), repeatRate90d: kpi(0.48, 0.47) }),
    populations: {
      churnRate: { from: '2026-04-04', to: '2026-07-02', customers: 34515 },
      repeatRate90d: { from: '2026-04-04', to: '2026-07-02', customers: 10091 },
      netRevenueRetention12m: null,
    },
  });

  it('writes day ranges as the locale does, and steps back by days', () => {
    expect(formatDayRange('2026-04-04', '2026-07-02')).toBe('Apr 4\u2009–\u2009Jul 2, 2026');
    expect(formatDayRange('2025-10-01', '2026-09-30')).toBe('Oct 1, 2025\u2009–\u2009Sep 30, 2026');
    expect(dayBefore('2026-09-30', 89)).toBe('2026-07-03');
  });

  it('puts the population beside each share and the full definition in its tooltip', () => {
    const k = withPopulations();
    expect(kpiDefinition('churnRate').population(k)).toBe('of 34,515 active Apr 4\u2009–\u2009Jul 2, 2026');
    expect(kpiDefinition('repeatRate90d').population(k)).toBe(
      'of 10,091 acquired Apr 4\u2009–\u2009Jul 2, 2026',
    );
    expect(kpiDefinition('activeCustomers').population(k)).toBe('ordered Jul 3\u2009–\u2009Sep 30, 2026');
    expect(kpiDefinition('netRevenueRetention12m').population(k)).toBe('needs two years of data');
    expect(kpiDefinition('churnRate').definition(k)).toBe(
      'Of the 34,515 customers with an order in Apr 4\u2009–\u2009Jul 2, 2026, the share with no order in the 90 ' +
        'days to Sep 30, 2026. Only recently active customers count: not the Model page’s share, which is ' +
        'over every customer ever seen.',
    );
    expect(kpiDefinition('repeatRate90d').definition(k)).toContain(
      'the Repeat page’s All-cohort 90-day repeat rate pools every cohort',
    );
  });

  it('says which churn scores at-risk revenue comes from, or why there are none', () => {
    const k = withPopulations();
    expect(atRiskScoresText(k)).toBe('no model yet');
    expect(atRiskScoresText({ ...k, modelHasScored: true })).toBe('no scores for that date');
    const scored = {
      ...k,
      modelHasScored: true,
      atRiskScores: { modelId: 'm-1', asOf: '2026-09-30', trainedAsOf: '2026-09-30', horizonDays: 90 },
    };
    expect(atRiskScoresText(scored)).toBe('churn scores of Sep 30, 2026');
    expect(kpiDefinition('atRiskRevenue').definition(scored)).toContain(
      'by the model trained on data to Sep 30, 2026: the scores in force on Sep 30, 2026',
    );
  });
});
