// A switch's timeline, in the order a deploy job produces it (docs/MEASUREMENT.md, "A switch and its events").
export const SWITCH_EVENTS = [
  'new-colour-started',
  'new-colour-healthy',
  'upstream-written',
  'config-tested',
  'reload-signalled',
  'new-workers-up',
  'old-workers-gone',
  'old-colour-stopping',
  'old-colour-exited',
] as const;
export type SwitchEventName = (typeof SWITCH_EVENTS)[number];

export interface TimedEvent {
  name: string;
  /** on the shared monotonic clock */
  atNs: bigint;
}
