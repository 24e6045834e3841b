// What a run's pages and terminal lead with. First what clients saw (failed requests, or that
// the run did not finish), coloured by that alone; beside it, in its own words, the gate's
// verdict against the thresholds it used. A known-bad reference says one thing: its failure was
// expected (it reproduced what it is kept for), or it was not (amber: the failure is gone). A
// stopped run is never a pass.
import { figuresOf } from '../gate/figures.ts';
import { evaluateThresholds } from '../gate/thresholds.ts';
import { declaresThresholds, knownBadFailure, reproducesText, thresholdText } from '../scenario/thresholds.ts';
import { count } from '../numbers.ts';
import type { Report } from '../stored/report.ts';

/** lost: clients saw failures; clean: none; incomplete: stopped early; invalid: could not measure. */
export type Outcome = 'lost' | 'clean' | 'incomplete' | 'invalid';
export type Tone = 'bad' | 'good' | 'warn';
/** holds / broken: judged against thresholds; none: the scenario declares none; not-judged: the run cannot be judged. */
export type GateStatus = 'holds' | 'broken' | 'none' | 'not-judged';

export interface RunVerdict {
  outcome: Outcome;
  tone: Tone;
  /** e.g. "192 FAILED REQUESTS", "NO FAILED REQUESTS", "INCOMPLETE" */
  headline: string;
  gate: GateStatus;
  /** e.g. "gate: thresholds hold (maxFailed ≤ 0)", or for a known-bad reference "expected: this scenario reproduces a known failure, …" */
  gateText: string;
  /** one line per threshold, and why a run could not be judged */
  lines: string[];
}

/**
 * The gate's verdict in a few words, for a table row that has no room for gateText (index.html
 * shows gateText on hover): "expected (known-bad reference)", "thresholds hold", "not gated"…
 */
export function gateShort(v: RunVerdict): string {
  if (v.lines[0]?.startsWith('known-bad reference')) return v.gate === 'holds' ? 'expected (known-bad reference)' : 'NOT AS EXPECTED (known-bad reference)';
  return { holds: 'thresholds hold', broken: 'thresholds broken', none: 'not gated', 'not-judged': 'not judged' }[v.gate];
}

const TONE: Record<Outcome, Tone> = { lost: 'bad', clean: 'good', incomplete: 'warn', invalid: 'bad' };

export function runVerdict(report: Report): RunVerdict {
  const a = report.analysis;
  const failed = a.totals.failed;
  const failedText = failed === 0 ? 'no failed requests' : `${count(failed)} failed request${failed === 1 ? '' : 's'}`;
  const expect = report.scenario.expect;
  const knownBad = expect?.knownBad;
  if (a.problems.length || report.meta.error) {
    const lines = [...a.problems, ...(report.meta.error ? [`run ended early: ${report.meta.error}`] : [])];
    return { outcome: 'invalid', tone: TONE.invalid, headline: 'COULD NOT MEASURE', gate: 'not-judged', gateText: `gate: not judged (could not measure; ${failedText} before that)`, lines };
  }
  if (report.meta.aborted) {
    return {
      outcome: 'incomplete',
      tone: TONE.incomplete,
      headline: 'INCOMPLETE',
      gate: 'not-judged',
      gateText: `stopped early: partial results, ${failedText} so far; gate: not judged (an early end is never a pass)`,
      lines: [],
    };
  }
  const outcome: Outcome = failed > 0 ? 'lost' : 'clean';
  // What users saw leads; what a retrying client hid is said beside it, never counted as seen.
  const hidden = a.totals.hiddenByRetry ?? 0;
  const headline =
    (failed > 0 ? `${count(failed)} FAILED REQUEST${failed === 1 ? '' : 'S'}` : 'NO FAILED REQUESTS') +
    (hidden > 0 ? ` (${count(hidden)} more hidden by the client's retry)` : '');
  if (!declaresThresholds(expect)) {
    return { outcome, tone: TONE[outcome], headline, gate: 'none', gateText: 'gate: no thresholds in this scenario (measured, not gated)', lines: [] };
  }
  const results = evaluateThresholds(expect, [figuresOf(report)]);
  const holds = results.every((r) => r.status === 'pass');
  const gate = holds ? 'holds' : 'broken';
  if (knownBad) {
    // Judged by whether it still shows its failure: said as expected or not, never a ✓ beside red.
    const broken = results.filter((r) => r.status !== 'pass').map(thresholdText).join(', ');
    return {
      outcome,
      tone: holds ? TONE[outcome] : 'warn',
      headline,
      gate,
      gateText: holds
        ? reproducesText(knownBad)
        : `NOT AS EXPECTED: this known-bad reference should reproduce ${knownBadFailure(knownBad)}; broken: ${broken}`,
      lines: [`known-bad reference: ${knownBad}`, ...results.map((r) => `${r.status === 'pass' ? 'as expected' : 'not as expected'}: ${r.message}`)],
    };
  }
  const gateText = `gate: ${holds ? 'thresholds hold' : 'thresholds broken'} (${results.map(thresholdText).join(', ')})`;
  const lines = results.map((r) => `${r.status === 'pass' ? '✓' : '✗'} ${r.message}`);
  return { outcome, tone: TONE[outcome], headline, gate, gateText, lines };
}

/** The terminal's verdict line: the same words as the pages. */
export const verdictLine = (v: RunVerdict) => `verdict: ${v.headline} — ${v.gateText}`;
