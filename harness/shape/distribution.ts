// A distribution kept in bounded memory however many values it sees: an HDR histogram (3
// significant digits) for its percentiles, exact count, sum, min and max beside it, and counts
// in fixed buckets for the page's histogram. Pure.
import * as hdr from 'hdr-histogram-js';
import type { DistributionFigures } from './schema.ts';

/** Bucket edges 1, 2, 5, 10, 20, 50 … up to `top`: a histogram readable over many decades. */
export function edges125(top: number): number[] {
  const out: number[] = [];
  for (let decade = 1; decade <= top; decade *= 10) for (const k of [1, 2, 5]) if (k * decade <= top) out.push(k * decade);
  return out;
}

export class Distribution {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, autoResize: true });
  /** counts[i]: values below edges[i] (and at or above edges[i-1]); the last: at or above the top edge */
  private readonly counts: Float64Array;
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  constructor(private readonly edges: readonly number[]) {
    this.counts = new Float64Array(edges.length + 1);
  }

  /** A whole number from 0. */
  record(value: number): void {
    this.histogram.recordValue(value);
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    let i = 0;
    while (i < this.edges.length && value >= this.edges[i]) i++;
    this.counts[i]++;
  }

  figures(): DistributionFigures {
    const at = (p: number) => (this.count ? this.histogram.getValueAtPercentile(p) : null);
    return {
      count: this.count,
      min: this.count ? this.min : null,
      mean: this.count ? this.sum / this.count : null,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: this.count ? this.max : null,
      histogram: { edges: [...this.edges], counts: [...this.counts] },
    };
  }
}
