// When the open model sends each request. Pure, like vegeta's lib/pacer.go: one method takes the
// time elapsed since the load origin and the hits already sent, and answers how long to wait
// before the next one (≤ 0: it is due now, or overdue). No clock, no timers: testable exactly.
//
// The schedule comes from the cumulative arrival function H(t), the number of hits due by t.
// Hit n (0-based) is due at the t where H(t) = n, so the pacer needs H's inverse.
//
// Linear ramp from r0 to r1 requests/s over T seconds, then r1 (r0 = r1 or T = 0: constant):
//   rate(t) = r0 + a·t with a = (r1 − r0)/T, for t ≤ T
//   H(t)    = ∫₀ᵗ rate = r0·t + a·t²/2
//   H(t) = n  ⇔  (a/2)·t² + r0·t − n = 0  ⇔  t = (−r0 + √(r0² + 2·a·n)) / a    (a ≠ 0; the
//   positive root, since t ≥ 0), and t = n / r0 when a = 0. Past the ramp, n ≥ H(T):
//   t = T + (n − H(T)) / r1. Computed as 2n / (r0 + √(r0² + 2an)), the same root without
//   the cancellation of −r0 + √… when a is tiny.
//
// Poisson arrivals (k6's and real users' independent clients) by time rescaling: with unit
// exponential gaps E₁, E₂, … and Sₙ = E₁ + … + Eₙ, the times H⁻¹(Sₙ) form a Poisson process
// whose rate follows rate(t), ramp included. The gaps come from a seeded generator, so a
// schedule is reproducible and the method stays a function of its inputs.
//
// Several load threads share one schedule: thread k of K takes hits k, k+K, k+2K, … of the
// constant or ramped schedule (together they are exactly the whole), or, for Poisson, runs its
// own Poisson process at 1/K of the rate (the superposition of Poisson processes is Poisson).

export interface ArrivalSpec {
  /** requests per second once the ramp is over */
  rate: number;
  /** requests per second at the origin; the rate rises (or falls) linearly over rampMs */
  rampFromRate: number;
  rampMs: number;
  arrivals: 'constant' | 'poisson';
  seed: number;
}

export interface Pacer {
  /** µs to wait, from `elapsedUs` after the origin, until hit number `hits` (0-based) is due */
  wait(elapsedUs: number, hits: number): number;
}

/** Time (µs) at which H(t) = n for the ramp, in hits/µs internally. */
function inverseArrivals(spec: ArrivalSpec): (n: number) => number {
  const r1 = spec.rate / 1e6;
  const r0 = spec.rampMs > 0 ? spec.rampFromRate / 1e6 : r1;
  const T = spec.rampMs * 1000;
  const a = T > 0 ? (r1 - r0) / T : 0;
  const hitsAtT = r0 * T + (a * T * T) / 2;
  return (n) => {
    if (n <= 0) return 0;
    if (n >= hitsAtT) return T + (n - hitsAtT) / r1;
    return a === 0 ? n / r0 : (2 * n) / (r0 + Math.sqrt(r0 * r0 + 2 * a * n));
  };
}

/** mulberry32: a small, fast, seeded generator of uniforms in [0, 1). */
export function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pacer of thread `thread` of `threads` (0-based). */
export function createPacer(spec: ArrivalSpec, thread = 0, threads = 1): Pacer {
  if (!(spec.rate > 0)) throw new Error('the open model needs a rate above 0');
  if (spec.rampMs > 0 && spec.rampFromRate < 0) throw new Error('a ramp cannot start below 0 requests/s');
  const inverse = inverseArrivals(spec);
  if (spec.arrivals === 'constant') {
    return { wait: (elapsedUs, hits) => inverse(hits * threads + thread) - elapsedUs };
  }
  // Sₙ for the hits asked so far, memoised: the load asks for n, n+1, … in order.
  let next = uniforms(spec.seed + thread * 0x9e3779b9);
  let n = 0;
  let sum = 0;
  const cumulative = (hits: number) => {
    if (hits < n) {
      next = uniforms(spec.seed + thread * 0x9e3779b9);
      n = 0;
      sum = 0;
    }
    for (; n < hits; n++) sum += -Math.log(1 - next());
    return sum;
  };
  // The first hit is due at the first arrival of the thread's process, not at the origin.
  return { wait: (elapsedUs, hits) => inverse(cumulative(hits + 1) * threads) - elapsedUs };
}
