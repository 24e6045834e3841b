// The load thread's own stalls: a timer due every millisecond that notes how late it fires.
// When the thread is busy (a long callback, GC, the OS running something else) every request's
// timestamps wait with it, and a stall inside a switch would read as part of its gap: the
// report shows the stalls beside the gaps so that a self-made gap cannot pass for the proxy's.

/** A timer later than this is a stall: below it, lateness is the timer's own granularity. */
export const STALL_THRESHOLD_US = 1000;
/** Bound on what one thread keeps: a long run on a starved machine must not grow without end. */
const MAX_STALLS = 100_000;
const PERIOD_MS = 1;

export interface StallProbe {
  /** Stop probing; returns [at µs, length µs] pairs, in time order. */
  stop(): Float64Array;
}

export function startStallProbe(sinceOriginUs: () => number): StallProbe {
  const stalls: number[] = [];
  let due = sinceOriginUs() + PERIOD_MS * 1000;
  let timer: NodeJS.Timeout;
  const check = () => {
    const now = sinceOriginUs();
    // setTimeout(1) fires after at least 1 ms; what is beyond the granularity is the stall.
    const late = now - due;
    if (late >= STALL_THRESHOLD_US && stalls.length < MAX_STALLS * 2) stalls.push(due, late);
    due = now + PERIOD_MS * 1000;
    timer = setTimeout(check, PERIOD_MS);
  };
  timer = setTimeout(check, PERIOD_MS);
  return {
    stop() {
      clearTimeout(timer);
      return Float64Array.from(stalls);
    },
  };
}
