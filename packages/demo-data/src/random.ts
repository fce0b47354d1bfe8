/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), 32-bit so it stays in fast Smi/int32
 * arithmetic instead of BigInt. Each customer gets its own stream derived from (seed, customer index),
 * so a customer's history does not depend on how many draws the customers before it used.
 */

/** murmur3's 32-bit finaliser: a cheap, well-mixed hash for deriving stream seeds. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const twoTo32 = 4294967296;

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal = Number.NaN;

  constructor(seed: number, stream = 0) {
    this.reseed(seed, stream);
  }

  /** Restarts the generator on the stream (seed, stream); reusing one instance avoids garbage per customer. */
  reseed(seed: number, stream: number): void {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / twoTo32) >>> 0;
    const streamLo = stream >>> 0;
    const streamHi = Math.floor(stream / twoTo32) >>> 0;
    const base = mix32(lo ^ mix32(hi ^ 0x9e3779b9));
    const key = mix32(streamLo ^ mix32(streamHi ^ 0x7f4a7c15) ^ base);
    this.s0 = mix32(key ^ 0x243f6a88);
    this.s1 = mix32(key ^ 0x85a308d3);
    this.s2 = mix32(key ^ 0x13198a2e);
    this.s3 = mix32(key ^ 0x03707344);
    // xoshiro must not start from the all-zero state.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = Number.NaN;
  }

  /** Next raw 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform on the open interval (0, 1): never 0, so logarithms are always finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / twoTo32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  exponential(): number {
    return -Math.log(this.uniform());
  }

  /** Standard normal by the Marsaglia polar method; the second variate is kept for the next call. */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Gamma(shape, 1) by Marsaglia & Tsang; shapes below 1 use the boost Gamma(shape + 1)·U^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Poisson by multiplication of uniforms (Knuth): exact and quick for the small means used here. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.uniform();
    while (product > limit) {
      count++;
      product *= this.uniform();
    }
    return count;
  }

  /** Index drawn from a cumulative weight table (last entry = total weight). */
  pickCumulative(cumulative: ArrayLike<number>): number {
    const last = cumulative.length - 1;
    const target = this.uniform() * (cumulative[last] ?? 0);
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Running sums of weights, the table `Random.pickCumulative` draws from. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i] ?? 0;
    cumulative[i] = sum;
  }
  return cumulative;
}
