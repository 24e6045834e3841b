// Counts per fixed bucket over the whole run, by each request's end.
import { OUTCOME, type RecordSet } from '../records/records.ts';
import type { Timeline } from './types.ts';

export function buildTimeline(
  set: RecordSet,
  bucketMs: number,
  loadEndUs: number,
  codeOf: (set: RecordSet, i: number) => string,
): Timeline {
  const buckets = Math.max(1, Math.ceil(loadEndUs / 1000 / bucketMs));
  const zeros = () => new Array<number>(buckets).fill(0);
  const t: Timeline = { bucketMs, ok: zeros(), failed: zeros(), blue: zeros(), green: zeros(), failedByCode: {} };
  const bucketUs = bucketMs * 1000;
  for (let i = 0; i < set.count; i++) {
    const b = Math.min(buckets - 1, Math.max(0, Math.floor(set.end[i] / bucketUs)));
    if (set.outcome[i] === OUTCOME.ok) {
      t.ok[b]++;
      if (set.colour[i] === 1) t.blue[b]++;
      else if (set.colour[i] === 2) t.green[b]++;
    } else {
      t.failed[b]++;
      const code = codeOf(set, i);
      (t.failedByCode[code] ??= zeros())[b]++;
    }
  }
  return t;
}
