import { SeededRandom } from '../random.ts';

/**
 * A compact histogram gradient-boosted-trees classifier (logistic loss, Newton leaves, level-wise trees
 * with histogram subtraction, early stopping on a hold-out set): the strong tabular peer the network
 * is compared with, trained on exactly the same features and rows.
 */

export interface GbtOptions {
  maxDepth?: number;
  learningRate?: number;
  maxTrees?: number;
  /** Smallest number of rows in a leaf. */
  minLeafRows?: number;
  l2?: number;
  /** Histogram bins per feature (≤ 255). */
  bins?: number;
  /** Stop after this many trees without a better hold-out log loss. */
  patience?: number;
  /** Share of rows each tree is grown on (stochastic gradient boosting); default 0.5. */
  rowShare?: number;
  seed?: number;
  onTree?: (trees: number, holdoutLogLoss: number | null) => void;
}

interface Tree {
  feature: Int32Array;
  /** Rows with bin ≤ threshold go left. */
  threshold: Int32Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf value (already scaled by the learning rate); only read where feature = −1. */
  value: Float64Array;
}

export interface GbtModel {
  base: number;
  /** Per feature, the ascending cut points: bin = number of cuts below the value. */
  cuts: Float64Array[];
  trees: Tree[];
}

export interface Dataset {
  /** Row-major n × d. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export function fitGbt(
  train: Dataset,
  d: number,
  holdout: Dataset | null,
  options: GbtOptions = {},
): GbtModel {
  const maxDepth = options.maxDepth ?? 4;
  const lr = options.learningRate ?? 0.15;
  const maxTrees = options.maxTrees ?? 150;
  const minLeaf = options.minLeafRows ?? 20;
  const l2 = options.l2 ?? 1;
  const patience = options.patience ?? 10;
  const random = new SeededRandom(options.seed ?? 1);
  const rowShare = Math.min(1, Math.max(0.05, options.rowShare ?? 0.5));
  const n = train.y.length;
  const cuts = quantileCuts(train.x, n, d, Math.min(255, options.bins ?? 64));
  const binCount = Math.max(...cuts.map((c) => c.length + 1), 1);
  const bins = binColumns(train.x, n, d, cuts);
  const holdoutN = holdout?.y.length ?? 0;
  const holdoutBins = holdout ? binColumns(holdout.x, holdoutN, d, cuts) : null;

  let positives = 0;
  for (let i = 0; i < n; i++) positives += train.y[i] ?? 0;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, n)));
  const base = Math.log(rate / (1 - rate));
  const score = new Float64Array(n).fill(base);
  const holdoutScore = new Float64Array(holdoutN).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestTrees = 0;
  const rows = new Uint32Array(n);

  for (let t = 0; t < maxTrees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(score[i] ?? 0)));
      g[i] = p - (train.y[i] ?? 0);
      h[i] = Math.max(p * (1 - p), 1e-12);
    }
    for (let i = 0; i < n; i++) rows[i] = i;
    random.shuffle(rows);
    const used = Math.max(1, Math.round(n * rowShare));
    const tree = growTree(bins, used, d, binCount, rows, g, h, { maxDepth, minLeaf, l2, lr });
    trees.push(tree);
    for (let i = 0; i < n; i++) score[i] = (score[i] ?? 0) + leafValue(tree, bins, d, i);
    let holdoutLoss: number | null = null;
    if (holdout && holdoutBins && holdoutN > 0) {
      let loss = 0;
      for (let i = 0; i < holdoutN; i++) {
        const z = (holdoutScore[i] ?? 0) + leafValue(tree, holdoutBins, d, i);
        holdoutScore[i] = z;
        const p = Math.min(1 - 1e-15, Math.max(1e-15, 1 / (1 + Math.exp(-z))));
        loss -= (holdout.y[i] ?? 0) === 1 ? Math.log(p) : Math.log(1 - p);
      }
      holdoutLoss = loss / holdoutN;
      if (holdoutLoss < bestLoss - 1e-7) {
        bestLoss = holdoutLoss;
        bestTrees = trees.length;
      } else if (trees.length - bestTrees >= patience) {
        break;
      }
    } else {
      bestTrees = trees.length;
    }
    options.onTree?.(trees.length, holdoutLoss);
  }
  return { base, cuts, trees: trees.slice(0, Math.max(1, bestTrees)) };
}

/** Probabilities for row-major n × d features. */
export function predictGbt(model: GbtModel, x: ArrayLike<number>, d: number): Float64Array {
  const n = Math.floor(x.length / Math.max(1, d));
  const bins = binColumns(x, n, d, model.cuts);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = model.base;
    for (const tree of model.trees) z += leafValue(tree, bins, d, i);
    out[i] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

function quantileCuts(x: ArrayLike<number>, n: number, d: number, bins: number): Float64Array[] {
  const sampleSize = Math.min(n, 50_000);
  const stride = n / Math.max(1, sampleSize);
  const cuts: Float64Array[] = [];
  const column = new Float64Array(sampleSize);
  for (let f = 0; f < d; f++) {
    for (let s = 0; s < sampleSize; s++) column[s] = x[Math.floor(s * stride) * d + f] ?? 0;
    const sorted = Float64Array.from(column).sort();
    const chosen: number[] = [];
    for (let b = 1; b < bins; b++) {
      const lo = sorted[Math.floor((b * sampleSize) / bins) - 1];
      const hi = sorted[Math.floor((b * sampleSize) / bins)];
      if (lo === undefined || hi === undefined || lo === hi) continue;
      const cut = (lo + hi) / 2;
      if (chosen.length === 0 || cut > (chosen[chosen.length - 1] ?? 0)) chosen.push(cut);
    }
    cuts.push(Float64Array.from(chosen));
  }
  return cuts;
}

/**
 * Row-major bin indices: bins[i · d + f] (a row's bins sit together, which the histogram loop reads);
 * with `only`, the other columns are left at 0.
 */
function binColumns(
  x: ArrayLike<number>,
  n: number,
  d: number,
  cuts: Float64Array[],
  only?: ReadonlySet<number>,
): Uint8Array {
  const bins = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    if (only && !only.has(f)) continue;
    const c = cuts[f] ?? new Float64Array(0);
    for (let i = 0; i < n; i++) {
      const v = x[i * d + f] ?? 0;
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((c[mid] ?? 0) < v) lo = mid + 1;
        else hi = mid;
      }
      bins[i * d + f] = lo;
    }
  }
  return bins;
}

function leafValue(tree: Tree, bins: Uint8Array, d: number, i: number): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] ?? -1;
    if (f < 0) return tree.value[node] ?? 0;
    node =
      (bins[i * d + f] ?? 0) <= (tree.threshold[node] ?? 0)
        ? (tree.left[node] ?? 0)
        : (tree.right[node] ?? 0);
  }
}

interface GrowOptions {
  maxDepth: number;
  minLeaf: number;
  l2: number;
  lr: number;
}

interface OpenNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  /** Per feature and bin: gradient sum, hessian sum, row count. */
  hist: Float64Array;
}

function growTree(
  bins: Uint8Array,
  n: number,
  d: number,
  binCount: number,
  rows: Uint32Array,
  g: Float64Array,
  h: Float64Array,
  options: GrowOptions,
): Tree {
  const maxNodes = 2 ** (options.maxDepth + 1);
  const tree: Tree = {
    feature: new Int32Array(maxNodes).fill(-1),
    threshold: new Int32Array(maxNodes),
    left: new Int32Array(maxNodes),
    right: new Int32Array(maxNodes),
    value: new Float64Array(maxNodes),
  };
  let nodes = 1;
  const stride = binCount * 3;
  const histogram = (start: number, end: number) => buildHistogram(bins, d, stride, rows, start, end, g, h);
  const leaf = (id: number, hist: Float64Array) => {
    let G = 0;
    let H = 0;
    for (let b = 0; b < binCount; b++) {
      G += hist[b * 3] ?? 0;
      H += hist[b * 3 + 1] ?? 0;
    }
    tree.feature[id] = -1;
    tree.value[id] = (-G / (H + options.l2)) * options.lr;
  };
  let queue: OpenNode[] = [{ id: 0, start: 0, end: n, depth: 0, hist: histogram(0, n) }];
  while (queue.length > 0) {
    const next: OpenNode[] = [];
    for (const node of queue) {
      const count = node.end - node.start;
      if (node.depth >= options.maxDepth || count < 2 * options.minLeaf) {
        leaf(node.id, node.hist);
        continue;
      }
      let G = 0;
      let H = 0;
      for (let b = 0; b < binCount; b++) {
        G += node.hist[b * 3] ?? 0;
        H += node.hist[b * 3 + 1] ?? 0;
      }
      const parentScore = (G * G) / (H + options.l2);
      let bestGain = 1e-9;
      let bestFeature = -1;
      let bestBin = 0;
      for (let f = 0; f < d; f++) {
        let GL = 0;
        let HL = 0;
        let CL = 0;
        const base = f * stride;
        for (let b = 0; b < binCount - 1; b++) {
          GL += node.hist[base + b * 3] ?? 0;
          HL += node.hist[base + b * 3 + 1] ?? 0;
          CL += node.hist[base + b * 3 + 2] ?? 0;
          if (CL < options.minLeaf) continue;
          if (count - CL < options.minLeaf) break;
          const GR = G - GL;
          const HR = H - HL;
          const gain = (GL * GL) / (HL + options.l2) + (GR * GR) / (HR + options.l2) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = f;
            bestBin = b;
          }
        }
      }
      if (bestFeature < 0 || nodes + 2 > maxNodes) {
        leaf(node.id, node.hist);
        continue;
      }
      // Partition the node's rows in place: left (bin ≤ threshold) first.
      let lo = node.start;
      let hi = node.end - 1;
      while (lo <= hi) {
        if ((bins[(rows[lo] ?? 0) * d + bestFeature] ?? 0) <= bestBin) lo++;
        else {
          const tmp = rows[lo] ?? 0;
          rows[lo] = rows[hi] ?? 0;
          rows[hi] = tmp;
          hi--;
        }
      }
      const leftId = nodes;
      const rightId = nodes + 1;
      nodes += 2;
      tree.feature[node.id] = bestFeature;
      tree.threshold[node.id] = bestBin;
      tree.left[node.id] = leftId;
      tree.right[node.id] = rightId;
      const leftCount = lo - node.start;
      const rightCount = node.end - lo;
      const smallIsLeft = leftCount <= rightCount;
      const small = smallIsLeft ? histogram(node.start, lo) : histogram(lo, node.end);
      const large = new Float64Array(node.hist.length);
      for (let k = 0; k < large.length; k++) large[k] = (node.hist[k] ?? 0) - (small[k] ?? 0);
      next.push(
        { id: leftId, start: node.start, end: lo, depth: node.depth + 1, hist: smallIsLeft ? small : large },
        { id: rightId, start: lo, end: node.end, depth: node.depth + 1, hist: smallIsLeft ? large : small },
      );
    }
    queue = next;
  }
  return tree;
}

/** Per feature and bin: Σ gradient, Σ hessian, row count over rows[start, end). The hot loop of training. */
function buildHistogram(
  bins: Uint8Array,
  d: number,
  stride: number,
  rows: Uint32Array,
  start: number,
  end: number,
  g: Float64Array,
  h: Float64Array,
): Float64Array {
  const hist = new Float64Array(d * stride);
  for (let k = start; k < end; k++) {
    const i = rows[k] as number;
    const gi = g[i] as number;
    const hi = h[i] as number;
    const base = i * d;
    for (let f = 0; f < d; f++) {
      const at = f * stride + (bins[base + f] as number) * 3;
      hist[at] = (hist[at] as number) + gi;
      hist[at + 1] = (hist[at + 1] as number) + hi;
      hist[at + 2] = (hist[at + 2] as number) + 1;
    }
  }
  return hist;
}

/** A fitted model as plain JSON (trees.json of a model version). */
export interface GbtJson {
  base: number;
  cuts: number[][];
  trees: { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] }[];
}

export function gbtToJson(model: GbtModel): GbtJson {
  return {
    base: model.base,
    cuts: model.cuts.map((c) => Array.from(c)),
    trees: model.trees.map((t) => ({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      value: Array.from(t.value),
    })),
  };
}

export function gbtFromJson(json: GbtJson): GbtModel {
  return {
    base: json.base,
    cuts: json.cuts.map((c) => Float64Array.from(c)),
    trees: json.trees.map((t) => ({
      feature: Int32Array.from(t.feature),
      threshold: Int32Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      value: Float64Array.from(t.value),
    })),
  };
}

/**
 * Log-odds for row-major n × d features and for occluded variants of them: variant g + 1 sets the
 * columns of `groups[g]` to `baseline`. out[v · n + i]. Only the columns some tree splits on are
 * binned. Each row walks each tree once; an occluded variant can only end in another leaf where its
 * path first turns away from the row's own, at a node testing one of its group's columns, so only
 * there is a second, short walk taken (from the other child on), and only for the groups that turn.
 */
export function gbtVariantLogits(
  model: GbtModel,
  x: ArrayLike<number>,
  n: number,
  d: number,
  groups: readonly (readonly number[])[] = [],
  baseline: ArrayLike<number> = [],
): Float64Array {
  const variants = groups.length + 1;
  if (groups.length > 30) throw new Error('at most 30 occluded groups');
  const split = new Set<number>();
  for (const tree of model.trees) for (const f of tree.feature) if (f >= 0) split.add(f);
  const bins = binColumns(x, n, d, model.cuts, split);
  const baselineBins = binColumns(
    Float64Array.from({ length: d }, (_, f) => baseline[f] ?? 0),
    1,
    d,
    model.cuts,
    split,
  );
  const groupOf = new Int32Array(d).fill(-1);
  groups.forEach((columns, g) => {
    for (const c of columns) groupOf[c] = g;
  });
  // Every tree in one flat array of nodes, each (feature, threshold, left, right) side by side with
  // absolute child indices: the walk reads no objects and one cache line per node. Per node also its
  // group and where the baseline would go, which do not depend on the row.
  const { nodes, value, roots } = flatten(model.trees);
  const count = value.length;
  const nodeGroup = new Int32Array(count).fill(-1);
  const baselineLeft = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const f = nodes[4 * k] as number;
    if (f < 0) continue;
    nodeGroup[k] = groupOf[f] as number;
    baselineLeft[k] = (baselineBins[f] as number) <= (nodes[4 * k + 1] as number) ? 1 : 0;
  }
  const out = new Float64Array(variants * n);
  const delta = new Float64Array(groups.length);
  const turn = new Int32Array(Math.max(1, groups.length));
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let own = model.base;
    delta.fill(0);
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      let turned = 0;
      for (let f = nodes[4 * node] as number; f >= 0; f = nodes[4 * node] as number) {
        const goesLeft = (bins[row + f] as number) <= (nodes[4 * node + 1] as number) ? 1 : 0;
        const g = nodeGroup[node] as number;
        if (g >= 0 && goesLeft !== baselineLeft[node] && (turned & (1 << g)) === 0) {
          turned |= 1 << g;
          turn[g] = node;
        }
        node = nodes[4 * node + 3 - goesLeft] as number;
      }
      const leaf = value[node] as number;
      own += leaf;
      while (turned !== 0) {
        const g = 31 - Math.clz32(turned & -turned);
        turned &= turned - 1;
        const at = turn[g] as number;
        // The variant takes the baseline's branch at its first turn, then walks with its group occluded.
        let m = nodes[4 * at + 3 - (baselineLeft[at] as number)] as number;
        for (let f = nodes[4 * m] as number; f >= 0; f = nodes[4 * m] as number) {
          const goesLeft =
            nodeGroup[m] === g
              ? (baselineLeft[m] as number)
              : (bins[row + f] as number) <= (nodes[4 * m + 1] as number)
                ? 1
                : 0;
          m = nodes[4 * m + 3 - goesLeft] as number;
        }
        delta[g] = (delta[g] as number) + (value[m] as number) - leaf;
      }
    }
    out[i] = own;
    for (let g = 0; g < groups.length; g++) out[(g + 1) * n + i] = own + (delta[g] as number);
  }
  return out;
}

/**
 * The trees' nodes end to end as (feature, threshold, left, right) quadruples with absolute child
 * indices (left at +2, right at +3: the walk picks `3 − goesLeft`); `roots` holds each tree's first.
 */
function flatten(trees: readonly Tree[]) {
  const size = trees.reduce((sum, t) => sum + t.feature.length, 0);
  const nodes = new Int32Array(4 * size);
  const value = new Float64Array(size);
  const roots = new Int32Array(trees.length);
  let at = 0;
  trees.forEach((tree, t) => {
    roots[t] = at;
    value.set(tree.value, at);
    for (let k = 0; k < tree.feature.length; k++) {
      nodes[4 * (at + k)] = tree.feature[k] ?? -1;
      nodes[4 * (at + k) + 1] = tree.threshold[k] ?? 0;
      nodes[4 * (at + k) + 2] = at + (tree.left[k] ?? 0);
      nodes[4 * (at + k) + 3] = at + (tree.right[k] ?? 0);
    }
    at += tree.feature.length;
  });
  return { nodes, value, roots };
}
