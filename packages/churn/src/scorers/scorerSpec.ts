import { CANDIDATE_NAMES, type CandidateName, candidateNameSchema } from '@retain/schemas';
import { z } from 'zod';

export { CANDIDATE_NAMES, type CandidateName };

/**
 * The outputs a scorer combines, each on the log-odds scale (or close to it): the network's and the
 * trees' calibrated log-odds, BG/NBD's logit of P(no purchase in the horizon) and the log of its
 * expected purchases in the horizon, and the two logistic baselines' log-odds.
 */
export const META_INPUTS = ['network', 'gbt', 'bgnbd', 'bgnbdExpected', 'rfmLogistic', 'recency'] as const;
export type MetaInput = (typeof META_INPUTS)[number];

/** The outputs each candidate combines: the stack all of them, the others their own. */
export const CANDIDATE_INPUTS: Readonly<Record<CandidateName, readonly MetaInput[]>> = {
  stack: META_INPUTS,
  network: ['network'],
  gbt: ['gbt'],
  rfmLogistic: ['rfmLogistic'],
  bgnbd: ['bgnbd'],
  recency: ['recency'],
};

/** Candidates that learn from churn labels; the others are the baselines. */
export const LEARNED: ReadonlySet<CandidateName> = new Set(['stack', 'network', 'gbt']);

/** The fitted parts a candidate needs: BG/NBD is fitted when scoring, on the scored customers. */
export type Component = 'network' | 'gbt' | 'rfmLogistic' | 'recency' | 'bgnbd';
export function componentOf(input: MetaInput): Component {
  return input === 'bgnbdExpected' ? 'bgnbd' : input;
}

/** Logistic regression on ln(1 + ·) of named raw columns (the RFM and recency baselines). */
export const logLinearSchema = z.object({
  /** Raw feature columns, each entering as ln(1 + value). */
  columns: z.array(z.string()),
  /** Intercept first, then one coefficient per column. */
  coefficients: z.array(z.number()),
});
export type LogLinear = z.infer<typeof logLinearSchema>;

const calibrationSchema = z.object({
  method: z.enum(['platt', 'prior-shift']),
  a: z.number(),
  b: z.number(),
});

/**
 * What a model version scores with (churn.json's `scorer`): the log-odds of churn are
 * `intercept + Σ weights[k] · output(inputs[k])`, a logistic regression fitted on the candidates'
 * pooled out-of-time outputs; the probability is its sigmoid. A single scorer is the same with one
 * input (Platt scaling of its output).
 */
export const scorerSpecSchema = z.object({
  name: candidateNameSchema,
  inputs: z.array(z.enum(META_INPUTS)),
  intercept: z.number(),
  weights: z.array(z.number()),
  /** The network's own calibration (its log-odds are a·logit + b); weights in model.json. */
  network: z.object({ calibration: calibrationSchema }).optional(),
  /** Boosted trees: in trees.json. */
  gbt: z.object({ trees: z.number() }).optional(),
  rfmLogistic: logLinearSchema.optional(),
  recency: logLinearSchema.optional(),
  /** BG/NBD, fitted on the scored customers' own histories each time it scores. */
  bgnbd: z.object({ horizonWeeks: z.number(), sample: z.number(), seed: z.number() }).optional(),
});
export type ScorerSpec = z.infer<typeof scorerSpecSchema>;

/** The components a spec reads, in a stable order. */
export function componentsOf(spec: Pick<ScorerSpec, 'inputs'>): Component[] {
  return [...new Set(spec.inputs.map(componentOf))];
}
