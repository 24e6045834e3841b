// A switch's timeline, in the order a deploy job produces it (MEASUREMENT.md, "Switch events").
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
/** With your own switch command (--switch-cmd), in place of upstream-written … reload-signalled. */
export const COMMAND_EVENTS = ['switch-command-started', 'switch-command-ended'] as const;
/** With switches.closeAroundReload: every response says `Connection: close` between these two. */
export const CLOSING_EVENTS = ['closing-started', 'closing-ended'] as const;
export type SwitchEventName = (typeof SWITCH_EVENTS)[number] | (typeof COMMAND_EVENTS)[number] | (typeof CLOSING_EVENTS)[number];

export interface TimedEvent {
  name: string;
  /** on the shared monotonic clock */
  atNs: bigint;
}
