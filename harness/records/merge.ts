// Several load threads' record sets as one: merged by `end` (each thread's set is already in
// completion order), connection ids made unique, error codes put in one table.
import { COLUMNS, type RecordSet } from './records.ts';

export function mergeRecordSets(sets: RecordSet[]): RecordSet {
  if (sets.length === 1) return sets[0];
  const errorCodes = [''];
  const codeIndex = new Map([['', 0]]);
  const codeMaps = sets.map((s) =>
    Uint8Array.from(s.errorCodes, (code) => {
      if (!codeIndex.has(code)) {
        codeIndex.set(code, Math.min(254, errorCodes.length));
        if (errorCodes.length < 255) errorCodes.push(code);
      }
      return codeIndex.get(code)!;
    }),
  );
  // Thread k's connections come after every connection of threads 0..k-1.
  const connOffsets: number[] = [];
  let offset = 0;
  for (const s of sets) {
    connOffsets.push(offset);
    offset += connectionSpan(s);
  }
  const count = sets.reduce((n, s) => n + s.count, 0);
  const out = Object.fromEntries(COLUMNS.map(([name, Type]) => [name, new Type(count)])) as unknown as RecordSet;
  const next = sets.map(() => 0);
  for (let k = 0; k < count; k++) {
    // Few threads: a linear scan for the smallest head beats a heap.
    let from = -1;
    for (let t = 0; t < sets.length; t++) {
      if (next[t] < sets[t].count && (from < 0 || sets[t].end[next[t]] < sets[from].end[next[from]])) from = t;
    }
    const s = sets[from];
    const i = next[from]++;
    for (const [name] of COLUMNS) out[name][k] = s[name][i];
    out.error[k] = codeMaps[from][s.error[i]];
    out.conn[k] = s.conn[i] + connOffsets[from];
  }
  return { ...out, count, errorCodes };
}

/** How many connection ids a record set uses (its largest + 1): the next set's ids start past them. */
export function connectionSpan(set: RecordSet): number {
  let max = -1;
  for (let i = 0; i < set.count; i++) if (set.conn[i] > max) max = set.conn[i];
  return max + 1;
}
