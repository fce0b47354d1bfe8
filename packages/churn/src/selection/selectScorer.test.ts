import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.ts';
import { META_INPUTS, type MetaInput } from '../scorers/scorerSpec.ts';
import { crossFitted } from './combiner.ts';
import { judgeCandidates, type PooledRows, selectScorer } from './selectScorer.ts';

const CANDIDATES = ['stack', 'network', 'gbt', 'rfmLogistic', 'bgnbd', 'recency'] as const;

/**
 * Pooled out-of-time rows whose labels follow two hidden signals a and b: each input's output is
 * `ofA · a + ofB · b`, plus a little noise all outputs share and `own` noise of its own.
 */
function pooled(
  n: number,
  seed: number,
  sees: Partial<Record<MetaInput, [ofA: number, ofB: number, own?: number]>>,
): PooledRows {
  const random = new SeededRandom(seed);
  const a = Array.from({ length: n }, () => random.normal());
  const b = Array.from({ length: n }, () => random.normal());
  const shared = Array.from({ length: n }, () => 0.3 * random.normal());
  const labels = Uint8Array.from(a, (ai, i) => (1.5 * ai + 1.5 * (b[i] ?? 0) + random.normal() > 0 ? 1 : 0));
  const outputs = Object.fromEntries(
    META_INPUTS.map((input) => {
      const [ofA, ofB, own = 0.3] = sees[input] ?? [0, 0, 1];
      return [
        input,
        Float64Array.from(
          a,
          (ai, i) => ofA * ai + ofB * (b[i] ?? 0) + (shared[i] ?? 0) + own * random.normal(),
        ),
      ];
    }),
  ) as Record<MetaInput, Float64Array>;
  return {
    labels,
    folds: Uint8Array.from({ length: n }, (_, i) => i % 5),
    customers: Int32Array.from({ length: n }, (_, i) => i),
    outputs,
  };
}

describe('choosing the active scorer out of time', () => {
  it('ships BG/NBD itself where no learned candidate beats it beyond the noise', () => {
    // BG/NBD sees the whole signal; every other part sees a noisier copy of what BG/NBD sees.
    const rows = pooled(6_000, 1, {
      bgnbd: [1, 1, 0],
      bgnbdExpected: [1, 1, 0.8],
      network: [1, 1, 0.6],
      gbt: [1, 1, 0.7],
      rfmLogistic: [1, 1, 1],
      recency: [1, 0, 0.5],
    });
    const judgement = judgeCandidates(rows, CANDIDATES);
    const selection = selectScorer(judgement, ['2025-10-02', '2025-07-04', '2025-04-05']);
    expect(selection.name).toBe('bgnbd');
    expect(selection.reason).toMatch(/BG\/NBD .* on 3 out-of-time snapshots \(6,000 customer-snapshots\)/);
    expect(selection.reason).toMatch(/BG\/NBD itself scores the customers/);
    // The stack holds BG/NBD among its inputs: it may match it, but never beyond the noise.
    const stack = judgement.candidates.find((c) => c.name === 'stack');
    expect(Math.abs(stack?.versusSelected?.difference ?? 1)).toBeLessThanOrEqual(
      stack?.versusSelected?.se ?? 0,
    );
  });

  it('ships the stack where it combines what no single candidate sees', () => {
    // The network sees one half of the signal and BG/NBD the other: only together do they see it all.
    const rows = pooled(6_000, 2, { network: [1, 0], gbt: [0.8, 0], bgnbd: [0, 1], bgnbdExpected: [0, 0.5] });
    const selection = selectScorer(judgeCandidates(rows, CANDIDATES), ['2025-10-02', '2025-07-04']);
    expect(selection.name).toBe('stack');
    expect(selection.reason).toMatch(/^Stacked model ranks churners best on 2 out-of-time snapshots/);
    expect(selection.margin?.difference).toBeGreaterThan(2 * (selection.margin?.se ?? 1));
    expect(selection.warning).toBeNull();
  });

  it('never ships a candidate that another beats by more than its standard error', () => {
    for (let seed = 10; seed < 22; seed++) {
      const random = new SeededRandom(seed);
      const sees = Object.fromEntries(
        META_INPUTS.map((input) => [input, [random.next(), random.next(), random.next()] as const]),
      );
      const judgement = judgeCandidates(pooled(800, seed, sees), CANDIDATES);
      const selection = selectScorer(judgement, ['2025-10-02']);
      for (const c of judgement.candidates) {
        if (c.name === selection.name) expect(c.versusSelected).toBeNull();
        else expect(c.versusSelected?.difference).toBeLessThanOrEqual(c.versusSelected?.se ?? 0);
      }
      // A lead below two standard errors, and one snapshot, are said in plain words.
      expect(selection.warning).toMatch(/only one out-of-time snapshot/);
    }
  });

  it('gives every candidate an interval around its pooled AUC, PR AUC and Brier score', () => {
    const judgement = judgeCandidates(pooled(3_000, 5, { gbt: [1, 1] }), CANDIDATES);
    for (const c of judgement.candidates) {
      for (const figure of [c.auc, c.prAuc, c.brier]) {
        expect(figure.se).toBeGreaterThan(0);
        expect(figure.lower).toBeLessThan(figure.value ?? 0);
        expect(figure.upper).toBeGreaterThan(figure.value ?? 1);
      }
      expect(c.auc.value).toBeCloseTo(c.metrics.auc ?? 0, 12);
    }
  });
});

describe('cross-fitted combinations', () => {
  it('never lets a customer’s own label shape their probability', () => {
    const rows = pooled(2_000, 7, { network: [1, 1], bgnbd: [1, 0] });
    const inputs = [rows.outputs.network, rows.outputs.bgnbd];
    const before = crossFitted(inputs, rows.labels, rows.folds).probability;
    // Flip every label of fold 0: fold 0's probabilities come from folds 1–4 only, so they stay.
    const flipped = rows.labels.map((y, i) => (rows.folds[i] === 0 ? 1 - y : y));
    const after = crossFitted(inputs, flipped, rows.folds).probability;
    let changedElsewhere = 0;
    for (let i = 0; i < rows.labels.length; i++) {
      if (rows.folds[i] === 0) expect(after[i]).toBe(before[i]);
      else if (after[i] !== before[i]) changedElsewhere++;
    }
    expect(changedElsewhere).toBeGreaterThan(0);
  });
});
