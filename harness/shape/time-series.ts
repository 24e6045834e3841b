// Counts per time bucket over a log whose lines come nearly, not exactly, in time order (a line
// is written when its request ends, so a long request's start lies far behind its neighbours').
// The buckets grow either way as times arrive; past MAX_BUCKETS the bucket doubles (pairs
// summed), so a log of any length costs a bounded array. Pure.

/** A day at one-second buckets; a longer log gets 2 s buckets, then 4 s, … */
export const MAX_BUCKETS = 86_400;

/** Room made at once when the array grows, so a slow drift either way copies seldom. */
const CHUNK = 1024;

export class TimeSeries<C extends string> {
  bucketMs = 1000;
  /** the allocated arrays' first bucket, numbered from the epoch (time / bucketMs) */
  private origin = 0;
  /** the first and last bucket used, numbered from the epoch */
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private data: Record<C, Float64Array>;

  constructor(private readonly channels: readonly C[]) {
    this.data = this.zeros(CHUNK);
  }

  add(channel: C, atMs: number, value = 1): void {
    let bucket = Math.floor(atMs / this.bucketMs);
    if (this.first > this.last) this.origin = bucket - CHUNK / 2;
    while (Math.max(bucket, this.last) - Math.min(bucket, this.first) + 1 > MAX_BUCKETS) {
      this.coarsen();
      bucket = Math.floor(atMs / this.bucketMs);
    }
    if (bucket < this.origin) this.reallocate(bucket - CHUNK, this.origin + this.capacity());
    else if (bucket >= this.origin + this.capacity()) this.reallocate(this.origin, Math.max(bucket + 1, this.origin + 2 * this.capacity()));
    this.data[channel][bucket - this.origin] += value;
    if (bucket < this.first) this.first = bucket;
    if (bucket > this.last) this.last = bucket;
  }

  /** Each channel's buckets from the first to the last one any channel used, and when they start. */
  buckets(): { fromMs: number; bucketMs: number; values: Record<C, number[]> } {
    const used = this.first > this.last ? [0, 0] : [this.first - this.origin, this.last - this.origin + 1];
    const values = Object.fromEntries(this.channels.map((c) => [c, Array.from(this.data[c].subarray(used[0], used[1]))])) as Record<C, number[]>;
    return { fromMs: (this.first > this.last ? 0 : this.first) * this.bucketMs, bucketMs: this.bucketMs, values };
  }

  private zeros(capacity: number): Record<C, Float64Array> {
    return Object.fromEntries(this.channels.map((c) => [c, new Float64Array(capacity)])) as Record<C, Float64Array>;
  }

  private capacity(): number {
    return this.data[this.channels[0]].length;
  }

  /** The arrays now cover buckets [from, to), the counts kept where they were. */
  private reallocate(from: number, to: number): void {
    const next = this.zeros(to - from);
    for (const c of this.channels) next[c].set(this.data[c], this.origin - from);
    this.data = next;
    this.origin = from;
  }

  /** Twice the bucket: pairs aligned on the epoch summed, so counts stay counts. */
  private coarsen(): void {
    const origin = Math.floor(this.origin / 2);
    const next = this.zeros(Math.ceil(this.capacity() / 2) + 1);
    for (const c of this.channels) for (let i = 0; i < this.capacity(); i++) next[c][Math.floor((this.origin + i) / 2) - origin] += this.data[c][i];
    this.data = next;
    this.origin = origin;
    this.first = Math.floor(this.first / 2);
    this.last = Math.floor(this.last / 2);
    this.bucketMs *= 2;
  }
}
