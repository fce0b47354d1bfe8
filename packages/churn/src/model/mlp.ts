import type { EpochStats } from '@retain/schemas';
import type { Rank, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend.ts';
import { rocAuc } from '../metrics.ts';
import { SeededRandom } from '../random.ts';

/** Dense layers as plain arrays: kernel row-major [inputs × units]. The last layer has one unit (the logit). */
export interface MlpWeights {
  layers: { inputs: number; units: number; kernel: Float32Array; bias: Float32Array }[];
}

export type { EpochStats };

export interface Matrix {
  /** Row-major rows × cols. */
  x: Float32Array;
  rows: number;
  cols: number;
}

export interface MlpOptions {
  hidden: readonly number[];
  maxEpochs: number;
  /** Epochs without a better hold-out loss before stopping; the best epoch's weights are kept. */
  patience: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Loss weights of churned (1) and retained (0) rows: class imbalance handling. */
  classWeights: { positive: number; negative: number };
  onEpoch?: (stats: EpochStats) => void;
  /** Called between batches; throwing aborts training. */
  checkAbort?: () => void;
}

export interface MlpFit {
  weights: MlpWeights;
  epochs: number;
  bestEpoch: number;
  history: EpochStats[];
}

/**
 * Trains a ReLU MLP with Adam on weighted binary cross-entropy, writing the backward pass out by hand:
 * on the wasm backend this runs about 3× faster than tf.grad or model.fit (whose generic gradients
 * use transposed matrix products that XNNPACK does not accelerate), and it is the same arithmetic.
 */
export async function trainMlp(
  tf: Tf,
  train: Matrix,
  labels: Float32Array,
  holdout: { data: Matrix; labels: Float32Array } | null,
  options: MlpOptions,
): Promise<MlpFit> {
  const random = new SeededRandom(options.seed);
  const sizes = [train.cols, ...options.hidden, 1];
  const variables: Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l] ?? 1;
    const units = sizes[l + 1] ?? 1;
    // He initialisation for ReLU layers, Glorot for the output.
    const scale = l + 2 < sizes.length ? Math.sqrt(2 / inputs) : Math.sqrt(1 / inputs);
    const kernel = new Float32Array(inputs * units);
    for (let i = 0; i < kernel.length; i++) kernel[i] = random.normal() * scale;
    variables.push(
      tf.variable(tf.tensor2d(kernel, [inputs, units]), true, `w${l}_${options.seed}_${uniqueId()}`),
    );
    variables.push(tf.variable(tf.zeros([units]), true, `b${l}_${options.seed}_${uniqueId()}`));
  }
  const optimizer = tf.train.adam(options.learningRate);
  const n = train.rows;
  const d = train.cols;
  const batchSize = Math.max(1, Math.min(options.batchSize, n));
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const batchX = new Float32Array(batchSize * d);
  const batchY = new Float32Array(batchSize);
  const batchW = new Float32Array(batchSize);
  const weightOf = (y: number) => (y === 1 ? options.classWeights.positive : options.classWeights.negative);

  const history: EpochStats[] = [];
  let best: MlpWeights | null = null;
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  try {
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      const started = performance.now();
      random.shuffle(order);
      let lossSum = 0;
      let weightSum = 0;
      for (let start = 0; start < n; start += batchSize) {
        options.checkAbort?.();
        const size = Math.min(batchSize, n - start);
        let totalWeight = 0;
        for (let k = 0; k < size; k++) {
          const row = order[start + k] ?? 0;
          batchX.set(train.x.subarray(row * d, row * d + d), k * d);
          const y = labels[row] ?? 0;
          batchY[k] = y;
          batchW[k] = weightOf(y);
          totalWeight += batchW[k] ?? 0;
        }
        const loss = tf.tidy(() => {
          const xb = tf.tensor2d(batchX.subarray(0, size * d), [size, d]);
          const yb = tf.tensor2d(batchY.subarray(0, size), [size, 1]);
          const wb = tf.tensor2d(batchW.subarray(0, size), [size, 1]);
          return step(tf, variables, optimizer, xb, yb, wb, totalWeight, options.l2);
        });
        lossSum += loss;
        weightSum += totalWeight;
        // Let the event loop breathe (progress messages, an abort) between batches.
        if ((start / batchSize) % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
      }
      const current = await readWeights(variables, sizes);
      let holdoutLoss: number | null = null;
      let holdoutAuc: number | null = null;
      if (holdout && holdout.data.rows > 0) {
        const logits = mlpLogits(tf, current, holdout.data);
        let sum = 0;
        let w = 0;
        const scores = new Float64Array(logits.length);
        for (let i = 0; i < logits.length; i++) {
          const y = holdout.labels[i] ?? 0;
          const z = logits[i] ?? 0;
          const weight = weightOf(y);
          // log(1 + e^{−z}) for y = 1 and log(1 + e^{z}) for y = 0, computed stably.
          const margin = y === 1 ? z : -z;
          sum += weight * (Math.max(-margin, 0) + Math.log1p(Math.exp(-Math.abs(margin))));
          w += weight;
          scores[i] = z;
        }
        holdoutLoss = sum / Math.max(w, 1e-12);
        holdoutAuc = rocAuc(scores, holdout.labels);
      }
      const stats: EpochStats = {
        epoch,
        loss: lossSum / Math.max(weightSum, 1e-12),
        holdoutLoss,
        holdoutAuc,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      const criterion = holdoutLoss ?? stats.loss;
      if (criterion < bestLoss - 1e-6) {
        bestLoss = criterion;
        best = current;
        bestEpoch = epoch;
      } else if (holdoutLoss !== null && epoch - bestEpoch >= options.patience) {
        break;
      }
      if (holdoutLoss === null) {
        best = current;
        bestEpoch = epoch;
      }
    }
  } finally {
    for (const v of variables) v.dispose();
    optimizer.dispose();
  }
  if (!best) throw new Error('training ran no epoch');
  return { weights: best, epochs: history.length, bestEpoch, history };
}

let counter = 0;
const uniqueId = () => String(++counter);

/** One Adam step on weighted BCE; returns the batch's summed weighted loss. */
function step(
  tf: Tf,
  variables: Variable[],
  optimizer: ReturnType<Tf['train']['adam']>,
  xb: Tensor2D,
  yb: Tensor2D,
  wb: Tensor2D,
  totalWeight: number,
  l2: number,
): number {
  const layers = variables.length / 2;
  const inputs: Tensor2D[] = [xb];
  const preActivations: Tensor2D[] = [];
  let h: Tensor2D = xb;
  for (let l = 0; l < layers; l++) {
    const kernel = variables[2 * l] as Variable<Rank.R2>;
    const bias = variables[2 * l + 1] as Variable;
    const z = tf.add(tf.matMul(h, kernel), bias) as Tensor2D;
    preActivations.push(z);
    if (l + 1 < layers) {
      h = tf.relu(z);
      inputs.push(h);
    }
  }
  const logits = preActivations[layers - 1] as Tensor2D;
  // Weighted BCE: w·(max(z, 0) − z·y + log(1 + e^{−|z|})); its gradient in z is w·(σ(z) − y).
  const lossTensor = tf.sum(
    tf.mul(wb, tf.add(tf.sub(tf.relu(logits), tf.mul(logits, yb)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))),
  );
  let dz: Tensor2D = tf.div(tf.mul(wb, tf.sub(tf.sigmoid(logits), yb)), totalWeight) as Tensor2D;
  const gradients: { name: string; tensor: Tensor2D | ReturnType<Tf['sum']> }[] = [];
  for (let l = layers - 1; l >= 0; l--) {
    const kernel = variables[2 * l] as Variable<Rank.R2>;
    const bias = variables[2 * l + 1] as Variable;
    const input = inputs[l] as Tensor2D;
    // Explicit transposes: XNNPACK's plain matMul is much faster than matMul(…, transposeA).
    let dKernel = tf.matMul(tf.transpose(input), dz);
    if (l2 > 0) dKernel = tf.add(dKernel, tf.mul(kernel, l2));
    gradients.push({ name: kernel.name, tensor: dKernel }, { name: bias.name, tensor: tf.sum(dz, 0) });
    if (l > 0) {
      const z = preActivations[l - 1] as Tensor2D;
      dz = tf.mul(tf.matMul(dz, tf.transpose(kernel)), tf.step(z)) as Tensor2D;
    }
  }
  optimizer.applyGradients(gradients);
  return lossTensor.dataSync()[0] ?? 0;
}

async function readWeights(variables: Variable[], sizes: number[]): Promise<MlpWeights> {
  const layers: MlpWeights['layers'] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const kernel = (await variables[2 * l]?.data()) as Float32Array;
    const bias = (await variables[2 * l + 1]?.data()) as Float32Array;
    layers.push({
      inputs: sizes[l] ?? 0,
      units: sizes[l + 1] ?? 0,
      kernel: kernel.slice(),
      bias: bias.slice(),
    });
  }
  return { layers };
}

const PREDICT_BATCH = 16_384;

/** Logits for every row, computed in batches (a whole-matrix predict would hold every activation at once). */
export function mlpLogits(tf: Tf, weights: MlpWeights, data: Matrix): Float32Array {
  const out = new Float32Array(data.rows);
  const tensors = weights.layers.map((layer) => ({
    kernel: tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    bias: tf.tensor1d(layer.bias),
  }));
  try {
    for (let start = 0; start < data.rows; start += PREDICT_BATCH) {
      const size = Math.min(PREDICT_BATCH, data.rows - start);
      const logits = tf.tidy(() => {
        let h: Tensor2D = tf.tensor2d(data.x.subarray(start * data.cols, (start + size) * data.cols), [
          size,
          data.cols,
        ]);
        tensors.forEach((layer, l) => {
          const z = tf.add(tf.matMul(h, layer.kernel), layer.bias) as Tensor2D;
          h = l + 1 < tensors.length ? tf.relu(z) : z;
        });
        return h;
      });
      out.set(logits.dataSync() as Float32Array, start);
      logits.dispose();
    }
  } finally {
    for (const t of tensors) {
      t.kernel.dispose();
      t.bias.dispose();
    }
  }
  return out;
}
