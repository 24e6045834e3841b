// The one clock. process.hrtime.bigint() reads CLOCK_MONOTONIC, which on Linux is shared by
// every thread and process: the load worker, the orchestrator and the fixtures agree on it.
export const nowNs = (): bigint => process.hrtime.bigint();

/** Microseconds from `originNs` to `tNs` (default: now). */
export const usSince = (originNs: bigint, tNs: bigint = nowNs()): number => Number(tNs - originNs) / 1000;
