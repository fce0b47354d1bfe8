import type { Metrics } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import {
  calibrationChart,
  epochsFromEvents,
  firstTrainingText,
  importanceChart,
  intervalText,
  liftChart,
  metricsRows,
  originsText,
  rocChart,
  selectionSummary,
  tprAt,
  versusActiveText,
} from './modelCharts.ts';

const metrics = (auc: number, lift: number[]): Metrics => ({
  rows: 100,
  churnRate: 0.4,
  auc,
  prAuc: 0.5,
  brier: 0.2,
  logLoss: 0.6,
  calibrationError: 0.02,
  calibration: [
    { from: 0, to: 0.5, count: 60, meanPredicted: 0.2, observedRate: 0.25 },
    { from: 0.5, to: 1, count: 0, meanPredicted: null, observedRate: null },
  ],
  lift: [0.05, 0.1, 0.2].map((top, i) => ({ top, lift: lift[i] ?? null, capture: 0.1 })),
  liftTop5: lift[0] ?? null,
  liftTop10: lift[1] ?? null,
  liftTop20: lift[2] ?? null,
  captureTop5: 0.1,
  captureTop10: 0.2,
  captureTop20: 0.4,
});

const detail = {
  evaluation: {
    validation: metrics(0.8, [2, 1.8, 1.5]),
    baselines: {
      recency: metrics(0.7, [1.5, 1.4, 1.3]),
      rfmLogistic: metrics(0.75, [1.7, 1.6, 1.4]),
      bgnbd: {
        ...metrics(0.72, [1.6, 1.5, 1.4]),
        params: { r: 1, alpha: 1, a: 1, b: 1, unit: 'weeks' as const },
      },
      gbt: { ...metrics(0.79, [1.9, 1.7, 1.5]), trees: 100 },
    },
  },
} as unknown as Parameters<typeof metricsRows>[0];

describe('model charts', () => {
  it('puts the model first, then its baselines', () => {
    expect(metricsRows(detail).map((r) => [r.key, r.metrics.auc])).toEqual([
      ['model', 0.8],
      ['gbt', 0.79],
      ['rfmLogistic', 0.75],
      ['bgnbd', 0.72],
      ['recency', 0.7],
    ]);
  });

  it('lays lift out per cut with a column per model', () => {
    expect(liftChart(metricsRows(detail))[1]).toEqual({
      top: 'top 10 %',
      model: 1.8,
      gbt: 1.7,
      rfmLogistic: 1.6,
      bgnbd: 1.5,
      recency: 1.4,
    });
  });

  it('keeps only calibration bins with customers', () => {
    expect(calibrationChart(detail.evaluation.validation)).toEqual([
      { predicted: 0.2, observed: 0.25, ideal: 0.2, count: 60 },
    ]);
  });

  it('keeps the last event of each epoch', () => {
    const event = (epoch: number, loss: number) => ({
      jobId: 'j',
      phase: 'final-fit' as const,
      message: '',
      percent: 50,
      epoch,
      loss,
      holdoutAuc: 0.7,
    });
    expect(
      epochsFromEvents([
        event(1, 0.7),
        event(1, 0.65),
        event(2, 0.6),
        { jobId: 'j', phase: 'scoring' as const, message: '', percent: 90 },
      ]),
    ).toEqual([
      { epoch: 1, loss: 0.65, holdoutAuc: 0.7, phase: 'final-fit' },
      { epoch: 2, loss: 0.6, holdoutAuc: 0.7, phase: 'final-fit' },
    ]);
  });

  it('draws only the latest of the fits before each out-of-time snapshot, each starting at epoch 1', () => {
    const event = (epoch: number, loss: number) => ({
      jobId: 'j',
      phase: 'validation-fit' as const,
      message: '',
      percent: 20,
      epoch,
      loss,
      holdoutAuc: 0.8,
    });
    const twoFits = [event(1, 0.7), event(2, 0.6), event(3, 0.55), event(1, 0.72), event(2, 0.61)];
    expect(epochsFromEvents(twoFits).map((p) => [p.epoch, p.loss])).toEqual([
      [1, 0.72],
      [2, 0.61],
    ]);
  });

  it('draws only the latest fit, not the validation fit before it', () => {
    const event = (phase: 'validation-fit' | 'final-fit', epoch: number, loss: number) => ({
      jobId: 'j',
      phase,
      message: '',
      percent: 50,
      epoch,
      loss,
      holdoutAuc: 0.8,
    });
    const validation = [event('validation-fit', 1, 0.7), event('validation-fit', 2, 0.6)];
    expect(epochsFromEvents(validation).map((p) => [p.phase, p.epoch])).toEqual([
      ['validation-fit', 1],
      ['validation-fit', 2],
    ]);
    const both = [...validation, { jobId: 'j', phase: 'baselines' as const, message: '', percent: 60 }];
    both.push(event('final-fit', 1, 0.65));
    expect(epochsFromEvents(both)).toEqual([{ epoch: 1, loss: 0.65, holdoutAuc: 0.8, phase: 'final-fit' }]);
  });
});

describe('the candidates and the active scorer', () => {
  const interval = (value: number, se: number) => ({
    value,
    se,
    lower: value - 2 * se,
    upper: value + 2 * se,
  });
  const candidate = (name: 'stack' | 'bgnbd' | 'gbt', auc: number, versus: number | null) => ({
    name,
    label: { stack: 'Stacked model', bgnbd: 'BG/NBD', gbt: 'Gradient-boosted trees' }[name],
    learned: name !== 'bgnbd',
    metrics: metrics(auc, [2, 1.8, 1.5]),
    auc: interval(auc, 0.002),
    prAuc: interval(0.5, 0.01),
    brier: interval(0.2, 0.001),
    versusSelected: versus === null ? null : { difference: versus, se: 0.001 },
  });
  const compared = {
    evaluation: {
      ...detail.evaluation,
      candidates: [
        candidate('gbt', 0.79, -0.011),
        candidate('bgnbd', 0.8, null),
        candidate('stack', 0.801, 0.001),
      ],
      selection: {
        name: 'bgnbd' as const,
        label: 'BG/NBD',
        reason:
          'BG/NBD ranks churners as well as the best candidate on 3 out-of-time snapshots, within the noise.',
        rule: 'the rule',
        warning: 'The data is too small to tell BG/NBD from Stacked model.',
        rows: 100,
        snapshots: ['2025-10-02', '2025-07-04', '2025-04-05'],
        runnerUp: 'stack' as const,
        margin: { difference: -0.001, se: 0.001 },
      },
      origins: [
        {
          snapshot: '2025-10-02',
          rows: 40,
          churnRate: 0.4,
          trainingRows: 90,
          trainingSnapshots: ['2025-07-04'],
        },
        {
          snapshot: '2025-07-04',
          rows: 60,
          churnRate: 0.4,
          trainingRows: 50,
          trainingSnapshots: ['2025-04-05'],
        },
      ],
    },
  } as unknown as Parameters<typeof metricsRows>[0];

  it('lists every candidate, the active one first, then by pooled AUC, with intervals', () => {
    const rows = metricsRows(compared);
    expect(rows.map((r) => [r.key, r.active])).toEqual([
      ['bgnbd', true],
      ['stack', false],
      ['gbt', false],
    ]);
    expect(intervalText(rows[0]?.metrics.auc ?? null, rows[0]?.auc ?? null)).toBe('0.800 (0.796–0.804)');
    expect(intervalText(0.8, null)).toBe('0.800');
    expect(rows.map(versusActiveText)).toEqual(['active', '+0.001 ± 0.001', '−0.011 ± 0.001']);
  });

  it('says which scorer is active and why, with the warning when the data is too small', () => {
    expect(selectionSummary(compared)).toEqual({
      active: 'BG/NBD',
      sentence:
        'BG/NBD ranks churners as well as the best candidate on 3 out-of-time snapshots, within the noise.',
      warning: 'The data is too small to tell BG/NBD from Stacked model.',
    });
    expect(originsText(compared)).toBe(
      'Every candidate was fitted on the snapshots before each of 2 out-of-time snapshots (2 Oct 2025, ' +
        '4 Jul 2025) and judged on its customers: 100 customer-snapshots, 40% of them churned.',
    );
  });

  it('says of an older version that its network scores, on one snapshot', () => {
    const older = {
      evaluation: { ...detail.evaluation, snapshots: { validation: '2025-10-02', training: [] } },
    } as unknown as Parameters<typeof metricsRows>[0];
    expect(selectionSummary(older)).toMatchObject({ active: 'Neural network', warning: null });
    expect(selectionSummary(older).sentence).toMatch(/before Retain compared candidate scorers/);
    expect(originsText(older)).toMatch(/^Validated on the snapshot of 2 Oct 2025: 100 customers/);
  });

  it('while the first model trains, says how far it has got and what will appear, never a command', () => {
    const text = firstTrainingText({ phase: 'validation-fit', percent: 37.4 });
    expect(text.title).toBe('The first model is training');
    expect(text.progress).toMatch(/^Fitting the candidates before each out-of-time snapshot: 37 % done\./);
    expect(text.next).toMatch(/which scorer ranks your customers’ churn best/);
    expect(firstTrainingText(null).progress).toMatch(/^Starting\./);
    for (const words of Object.values(text)) expect(words).not.toMatch(/retain |`|npm|npx/);
  });
});

describe('ROC and importance charts', () => {
  const roc = [
    { fpr: 0, tpr: 0, threshold: null },
    { fpr: 0, tpr: 0.4, threshold: 0.9 },
    { fpr: 0.5, tpr: 0.8, threshold: 0.5 },
    { fpr: 0.5, tpr: 0.9, threshold: 0.4 },
    { fpr: 1, tpr: 1, threshold: 0 },
  ];

  it('reads a curve at any false-positive rate, taking the top of a vertical rise', () => {
    expect(tprAt(roc, 0)).toBe(0.4);
    expect(tprAt(roc, 0.25)).toBeCloseTo(0.6);
    expect(tprAt(roc, 0.5)).toBe(0.9);
    expect(tprAt(roc, 0.75)).toBeCloseTo(0.95);
    expect(tprAt(roc, 1)).toBe(1);
    expect(tprAt([], 0.5)).toBeNull();
  });

  it('puts every model on one grid with the chance diagonal, AUC in the labels', () => {
    const rows = metricsRows(detail);
    const empty = { roc: [], pr: [] };
    const curves = {
      model: { roc, pr: [] },
      gbt: {
        roc: [
          { fpr: 0, tpr: 0, threshold: null },
          { fpr: 1, tpr: 1, threshold: 0 },
        ],
        pr: [],
      },
      rfmLogistic: empty,
      bgnbd: empty,
      recency: empty,
    };
    const chart = rocChart(curves, rows);
    expect(chart.data).toHaveLength(51);
    expect(chart.data[25]).toEqual({ fpr: 0.5, model: 0.9, gbt: 0.5, chance: 0.5 });
    expect(chart.series.map((s) => s.label)).toEqual([
      'This model (AUC 0.800)',
      'Gradient-boosted trees (AUC 0.790)',
      'Chance',
    ]);
    expect(chart.series.at(-1)?.dashed).toBe(true);
  });

  it('orders reason groups by importance', () => {
    const rows = importanceChart({
      method: 'mean-abs-occlusion',
      unit: 'log-odds',
      population: 'validation',
      rows: 100,
      groups: [
        { group: 'complaints', label: 'Complaints', importance: 0.1, raisesRiskShare: 0.05 },
        { group: 'recency', label: 'Days since last order', importance: 0.6, raisesRiskShare: 0.4 },
      ],
    });
    expect(rows.map((r) => [r.group, r.importance])).toEqual([
      ['Days since last order', 0.6],
      ['Complaints', 0.1],
    ]);
  });
});
