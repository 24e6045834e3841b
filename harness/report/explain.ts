// One line per figure the pages show, used as its hover title (and, for the less obvious ones,
// as a line under it), so no number on a page stands unexplained. The words follow
// docs/GLOSSARY.md and docs/MEASUREMENT.md.
import { html } from './html-template.ts';

export const EXPLAIN = {
  failed: "Failed requests that started within the switch's horizon (its first event to one second after its last).",
  failedRun: 'Failed requests in the whole run: a transport error or an HTTP status outside the success range.',
  failedPerSwitch: 'Failed requests per switch, over every switch of every repeat.',
  reused: 'How many of the failures went out on a keep-alive connection that had already served a request: the reload race. (all) when every one did.',
  errorWindowMs: 'Earliest start to latest end of the failed requests: how long clients saw errors, in ms.',
  maxGapMs: 'The longest time with no successful response on any connection, around the switch, in ms.',
  excessGapMs: "maxGap minus the steady-state reference (the longest gap outside switches): what the switch added, in ms; n/a without a steady state.",
  crossover:
    'When the last success from the old colour and the first from the new one ended, in ms since the load started. The old colour may answer after the new one already has (old workers finish what they hold), so the first number can be the larger.',
  newShare: "Share of successes from the new colour once the switch settled; under 99 % the switch did not take effect (NOT TAKEN).",
  codes: 'The failures by error code (see Errors below for what each code means).',
  okPerSecond: 'Successful responses per second over the whole run.',
  p99: 'p99 latency of successful requests: 99 % of them took at most this long, in ms.',
  latency: 'Latency of successful requests, from the write of the request to the end of its response, in ms.',
  count: 'How many successful requests the percentiles are taken over.',
  percentile: (p: string) => `p${p}: ${p} % of successful requests took at most this long, in ms.`,
  max: 'The slowest successful request, in ms.',
  gapReference: 'The longest gap between successes outside every switch, after warm-up: what steady state already shows.',
  onReusedTotal: 'Failures on keep-alive connections that had already served a request, of all failures.',
  stat: {
    median: 'The middle value over the switches.',
    mean: 'The average over the switches.',
    max: 'The largest value over the switches: the worst switch, as the terminal shows it.',
  },
  runs: 'How many runs (repeats) of this configuration.',
  background: 'Failures outside every switch: the baseline itself was not healthy if any.',
  switches: 'How many switches (or other disruptions) the run made.',
  seconds: 'How long the load ran, in seconds.',
  proxy: 'The proxy and version measured.',
  started: 'When the run started (UTC).',
  scenario: 'The scenario, and what this run changed from its scenario file (durations in s/ms, rates in req/s).',
  clientsSaw: 'What clients saw: failed requests, none, INCOMPLETE (stopped early) or COULD NOT MEASURE.',
  gate: "The scenario's thresholds and whether they hold; hover a cell for its full text.",
  notes: 'Background failures and problems the analysis found.',
  share: 'Share of all failed requests.',
  code: 'The error code: undici\'s name for a transport error, or the HTTP status.',
  meaning: 'What the code means in the reload story.',
  timeline: 'The whole run: successes per second by colour, failures by code (bars), switch events as vertical lines, the longest gap of each switch shaded grey.',
  zoom: 'One switch up close, ±500 ms around the reload signal in 1 ms buckets: the error window shaded red, the longest gap grey, each step of the switch a labelled vertical line.',
  latencyChart: 'Latency percentiles of successful requests, steady state against during switches; both axes log.',
} as const;

/** A header cell with its explanation on hover. */
export const th = (label: string, title: string, cls = '') => html`<th${cls && html` class="${cls}"`} title="${title}">${label}</th>`;
