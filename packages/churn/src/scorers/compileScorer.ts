import type { Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend.ts';
import type { BgNbdParams } from '../baselines/bgnbd.ts';
import { type GbtModel, gbtVariantLogits } from '../baselines/gbt.ts';
import type { Normalisation } from '../features/encode.ts';
import type { MlpWeights } from '../model/mlp.ts';
import type { Calibration } from '../model/platt.ts';
import { bgnbdVariants } from './bgnbdComponent.ts';
import { componentsOf, type LogLinear, type MetaInput, type ScorerSpec } from './scorerSpec.ts';

/** Occluded variants of the rows: variant g + 1 sets the columns of `groups[g]` to `baseline`. */
export interface Occlusion {
  groups: readonly (readonly number[])[];
  baseline: Float32Array;
}

/** What a spec needs besides itself: the fitted parts that live in other files or are fitted at scoring. */
export interface ScorerParts {
  normalisation: Normalisation;
  tf?: Tf;
  network?: MlpWeights;
  gbt?: GbtModel;
  /** BG/NBD parameters fitted on the customers being scored. */
  bgnbd?: BgNbdParams;
}

/**
 * A scorer ready to run on network inputs (row-major, standardised; see encode): every kind reads the
 * same matrix, so the occlusion behind reasons and importance means the same for all of them.
 */
export interface CompiledScorer {
  spec: ScorerSpec;
  /** Each meta input's output for every row and variant, out[input][v · n + i]. */
  outputs(x: Float32Array, n: number, occlusion?: Occlusion): Record<MetaInput, Float64Array>;
  /** Log-odds of churn for every row and variant, out[v · n + i]. */
  logits(x: Float32Array, n: number, occlusion?: Occlusion): Float64Array;
}

/** Outputs beyond this are clipped: a degenerate fit must not dominate the combination. */
const OUTPUT_LIMIT = 30;
function clipAll(values: Float64Array): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as number;
    if (v > OUTPUT_LIMIT) values[k] = OUTPUT_LIMIT;
    else if (v < -OUTPUT_LIMIT) values[k] = -OUTPUT_LIMIT;
    else if (Number.isNaN(v)) values[k] = 0;
  }
}

export function compileScorer(spec: ScorerSpec, parts: ScorerParts): CompiledScorer {
  const components = componentsOf(spec);
  const d = parts.normalisation.columns.length;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${spec.name} scorer needs ${what}`);
    return value;
  };
  const network = components.includes('network')
    ? { tf: need(parts.tf, 'TensorFlow.js'), weights: need(parts.network, 'the network weights') }
    : null;
  const gbt = components.includes('gbt') ? need(parts.gbt, 'its trees') : null;
  const bgnbd = components.includes('bgnbd')
    ? {
        params: need(parts.bgnbd, 'BG/NBD parameters'),
        horizonWeeks: need(spec.bgnbd, 'a horizon').horizonWeeks,
      }
    : null;
  const linear = {
    rfmLogistic: spec.rfmLogistic ? logLinear(spec.rfmLogistic, parts.normalisation) : null,
    recency: spec.recency ? logLinear(spec.recency, parts.normalisation) : null,
  };

  const outputs = (x: Float32Array, n: number, occlusion?: Occlusion) => {
    const groups = occlusion?.groups ?? [];
    const baseline = occlusion?.baseline ?? new Float32Array(d);
    const size = (groups.length + 1) * n;
    const out = {} as Record<MetaInput, Float64Array>;
    for (const input of spec.inputs) {
      if (out[input]) continue;
      if (input === 'network' && network) {
        const calibration = need(spec.network, 'its calibration').calibration;
        out.network = networkVariants(network.tf, network.weights, calibration, x, n, d, groups, baseline);
      } else if (input === 'gbt' && gbt) {
        out.gbt = gbtVariantLogits(gbt, x, n, d, groups, baseline);
      } else if ((input === 'bgnbd' || input === 'bgnbdExpected') && bgnbd) {
        const both = bgnbdVariants(
          bgnbd.params,
          bgnbd.horizonWeeks,
          parts.normalisation,
          x,
          n,
          groups,
          baseline,
        );
        out.bgnbd = both.none;
        out.bgnbdExpected = both.expected;
      } else if (input === 'rfmLogistic' || input === 'recency') {
        const model = need(linear[input] ?? undefined, `its ${input} coefficients`);
        out[input] = model(x, n, groups, baseline);
      } else {
        throw new Error(`the ${spec.name} scorer lacks its ${input} part`);
      }
      const values = out[input];
      if (!values || values.length !== size) throw new Error(`${input} gave ${values?.length} values`);
      clipAll(values);
    }
    return out;
  };

  return {
    spec,
    outputs,
    logits(x, n, occlusion) {
      const parts = outputs(x, n, occlusion);
      const size = ((occlusion?.groups.length ?? 0) + 1) * n;
      const z = new Float64Array(size).fill(spec.intercept);
      spec.inputs.forEach((input, k) => {
        const w = spec.weights[k] ?? 0;
        const values = parts[input];
        for (let i = 0; i < size; i++) z[i] = (z[i] as number) + w * (values[i] as number);
      });
      return z;
    },
  };
}

/**
 * A logistic regression on ln(1 + raw column) as a function of the standardised inputs, which hold
 * exactly (ln(1 + raw) − mean) / std: linear again, so an occluded variant is one subtraction.
 */
function logLinear(model: LogLinear, normalisation: Normalisation) {
  let intercept = model.coefficients[0] ?? 0;
  const terms = model.columns.map((name, k) => {
    const j = normalisation.columns.findIndex((c) => c.name === name);
    if (j < 0) throw new Error(`the logistic baseline needs the input ${name}`);
    const c = normalisation.columns[j];
    const beta = model.coefficients[k + 1] ?? 0;
    intercept += beta * (c?.mean ?? 0);
    return { j, slope: beta * (c?.std ?? 1) };
  });
  const d = normalisation.columns.length;
  return (
    x: Float32Array,
    n: number,
    groups: readonly (readonly number[])[],
    baseline: ArrayLike<number>,
  ) => {
    const out = new Float64Array((groups.length + 1) * n);
    const affected = groups.map((columns) => terms.filter((t) => columns.includes(t.j)));
    for (let i = 0; i < n; i++) {
      let z = intercept;
      for (const t of terms) z += t.slope * (x[i * d + t.j] ?? 0);
      out[i] = z;
      for (let g = 0; g < affected.length; g++) {
        let occluded = z;
        for (const t of affected[g] ?? [])
          occluded += t.slope * ((baseline[t.j] ?? 0) - (x[i * d + t.j] ?? 0));
        out[(g + 1) * n + i] = occluded;
      }
    }
    return out;
  };
}

/** Rows per pass through the network: each pass holds every variant of these rows at once. */
const ROWS_PER_PASS = 4096;

/** The network's calibrated log-odds (a · logit + b) for every row and variant: all variants of a pass go through in one batch. */
export function networkVariants(
  tf: Tf,
  weights: MlpWeights,
  calibration: Calibration,
  x: Float32Array,
  n: number,
  d: number,
  groups: readonly (readonly number[])[] = [],
  baseline: ArrayLike<number> = [],
): Float64Array {
  const variants = groups.length + 1;
  const out = new Float64Array(variants * n);
  const tensors = weights.layers.map((layer) => ({
    kernel: tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    bias: tf.tensor1d(layer.bias),
  }));
  const block = new Float32Array(variants * Math.min(ROWS_PER_PASS, Math.max(1, n)) * d);
  try {
    for (let start = 0; start < n; start += ROWS_PER_PASS) {
      const size = Math.min(ROWS_PER_PASS, n - start);
      const original = x.subarray(start * d, (start + size) * d);
      for (let v = 0; v < variants; v++) block.set(original, v * size * d);
      groups.forEach((columns, g) => {
        const offset = (g + 1) * size * d;
        for (let i = 0; i < size; i++) for (const j of columns) block[offset + i * d + j] = baseline[j] ?? 0;
      });
      const logits = tf.tidy(() => {
        let h: Tensor2D = tf.tensor2d(block.subarray(0, variants * size * d), [variants * size, d]);
        tensors.forEach((layer, l) => {
          const z = tf.add(tf.matMul(h, layer.kernel), layer.bias) as Tensor2D;
          h = l + 1 < tensors.length ? tf.relu(z) : z;
        });
        return h;
      });
      const z = logits.dataSync();
      logits.dispose();
      for (let v = 0; v < variants; v++)
        for (let i = 0; i < size; i++)
          out[v * n + start + i] = calibration.a * (z[v * size + i] ?? 0) + calibration.b;
    }
  } finally {
    for (const t of tensors) {
      t.kernel.dispose();
      t.bias.dispose();
    }
  }
  return out;
}
