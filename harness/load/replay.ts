// The shape model's draws: how many requests a replayed connection makes, and the idle gap before
// each one after the first, drawn from a traffic shape's histograms (shape.json, docs/SHAPE.md).
// Pure and seeded: the worker turns a plan into requests (worker.ts, shapeModel).

import { uniforms } from './pacer.ts';
//
// A draw picks a bucket with probability count ÷ total, then a value uniformly within the bucket.
// The observed min and max bound every bucket (a value below the min or above the max was never
// seen): the first bucket, which has no lower edge, starts at the min, and the last, open bucket
// ends at the max.

/** One distribution of a shape: its histogram (shape.json's `counts[i]`: values in [edges[i-1], edges[i])), and its exact min and max. */
export interface Histogram {
  edges: number[];
  counts: number[];
  min: number;
  max: number;
}

/** What the load thread replays of a shape; its connection arrival rate goes in the pacer's `arrivals`. */
export interface ReplaySpec {
  /** nginx's $connection_requests of each connection's last line */
  requestsPerConnection: Histogram;
  /** ms from a response's end to the next request's start on the same connection */
  idleMs: Histogram;
}

/** Plain numbers, so a connection waiting for a place under the limit costs little. */
export interface ConnectionPlan {
  /** how many requests the connection makes, one after another, before it closes */
  requests: number;
  /** seed of the connection's own stream of idle gaps */
  gapSeed: number;
}

export interface ConnectionPlanner {
  /** the next connection to arrive */
  next(): ConnectionPlan;
  /** its idle gaps (ms), one per call, before each request after the first */
  gapsOf(plan: ConnectionPlan): () => number;
}

/**
 * Draws from `h`: whole numbers (counts, from edge to edge − 1, and up to the max itself) or
 * real ones (times, in [lower edge, upper edge)). Each draw takes two uniforms: bucket, then value.
 */
export function histogramSampler(h: Histogram, whole: boolean): (random: () => number) => number {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error('a histogram with no values cannot be drawn from');
  const cumulative: number[] = [];
  h.counts.reduce((sum, n) => (cumulative.push(sum + n), sum + n), 0);
  const bounds = h.counts.map((_, i) => {
    const lower = Math.max(h.edges[i - 1] ?? h.min, h.min);
    const upper = whole ? Math.min(h.edges[i] ?? Number.POSITIVE_INFINITY, h.max + 1) : Math.min(h.edges[i] ?? h.max, h.max);
    return { lower, width: Math.max(0, upper - lower) };
  });
  return (random) => {
    const target = random() * total;
    let i = 0;
    while (cumulative[i] <= target) i++;
    const value = bounds[i].lower + random() * bounds[i].width;
    return whole ? Math.floor(value) : value;
  };
}

/**
 * Plans each connection: its request count from `random`, and a seed for its own stream of gaps,
 * drawn as they are needed. The same seed gives the same connections, whatever order their
 * requests interleave in, and a connection of 10,000 requests holds no 10,000 gaps.
 */
export function connectionPlanner(spec: ReplaySpec, random: () => number): ConnectionPlanner {
  const requests = histogramSampler(spec.requestsPerConnection, true);
  // Only a shape with connections of more than one request needs idle times (and has them).
  const gap = spec.requestsPerConnection.max > 1 ? histogramSampler(spec.idleMs, false) : () => 0;
  return {
    // nginx counts from 1: a connection is in the log by its requests
    next: () => ({ requests: Math.max(1, requests(random)), gapSeed: Math.floor(random() * 2 ** 32) }),
    gapsOf(plan) {
      const own = uniforms(plan.gapSeed);
      return () => gap(own);
    },
  };
}
