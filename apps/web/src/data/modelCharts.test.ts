import type { Metrics } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { calibrationChart, epochsFromEvents, liftChart, metricsRows } from './modelCharts.ts';

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
});
