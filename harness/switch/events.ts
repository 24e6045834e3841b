// A switch's timeline, in the order a deploy job produces it (MEASUREMENT.md, "Switch events").
export const SWITCH_EVENTS = [
  'new-colour-started',
  'new-colour-healthy',
  'upstream-written',
  'config-tested',
  'reload-signalled',
  // with your own switch command (--switch-cmd) in place of the three above
  'switch-command-started',
  'switch-command-ended',
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
