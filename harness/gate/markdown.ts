// The gate's human views: a Markdown summary (for $GITHUB_STEP_SUMMARY and --markdown) and the
// terminal text. Pure: no I/O.
import { basename, relative, resolve } from 'node:path';
import { FIGURE_NAMES, FIGURES, formatFigure } from '../scenario/thresholds.ts';
import { reproducesText } from '../scenario/thresholds.ts';
import { problemsOf, scenarioVerdict, type GateResult, type ScenarioGate, type Verdict } from './result.ts';

const VERDICT_MD: Record<Verdict, string> = { pass: '✅ PASS', fail: '❌ FAIL', unmeasured: '⚠️ COULD NOT MEASURE' };
const VERDICT_TEXT: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', unmeasured: 'COULD NOT MEASURE' };
const STATUS_MD = { pass: '✅ holds', fail: '❌ broken', missing: '⚠️ not measured' } as const;

/** A known-bad reference passes by losing requests: said beside its PASS in the run verdict's words, so it never reads as "none lost". */
const knownBadPass = (g: ScenarioGate) => (g.knownBad && scenarioVerdict(g) === 'pass' ? ` — ${reproducesText(g.knownBad)}` : '');

/** A table cell: no pipe or line break may end it early. */
const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;

function checksTable(g: ScenarioGate): string[] {
  const lines = [row(['check', 'statistic', 'figure', 'limit', 'result', 'broken in repeats']), '| --- | --- | ---: | ---: | --- | ---: |'];
  for (const t of g.thresholds) {
    lines.push(
      row([
        `${t.name} (${FIGURES[t.figure].label})`,
        t.stat,
        formatFigure(t.value, t.figure),
        `${t.bound === 'max' ? '≤' : '≥'} ${formatFigure(t.limit, t.figure)}`,
        STATUS_MD[t.status],
        `${t.brokenInRepeats} of ${t.repeats}`,
      ]),
    );
  }
  for (const b of g.baseline?.comparisons ?? []) {
    const limit = b.figure === 'okPerSecond' ? `≥ ${formatFigure(b.baseline - b.allowed, b.figure)}` : `≤ ${formatFigure(b.baseline + b.allowed, b.figure)}`;
    lines.push(
      row([`baseline: ${b.figure} (was ${formatFigure(b.baseline, b.figure)})`, b.stat, formatFigure(b.current, b.figure), limit, b.status === 'fail' ? '❌ regressed' : STATUS_MD[b.status], '']),
    );
  }
  return lines.length > 2 ? lines : ['No thresholds or baseline checks: measured only.'];
}

function figuresTable(g: ScenarioGate): string[] {
  const lines = [row(['figure', 'values', 'min', 'median', 'mean', 'max']), '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const f of FIGURE_NAMES) {
    const s = g.figures[f];
    const per = FIGURES[f].per === 'switch' ? 'switches' : 'repeats';
    lines.push(
      row([FIGURES[f].label, s ? `${s.count} ${per}` : 'none', ...(s ? [s.min, s.median, s.mean, s.max].map((v) => formatFigure(v, f)) : ['n/a', 'n/a', 'n/a', 'n/a'])]),
    );
  }
  return lines;
}

/**
 * linkDir: the directory the Markdown file is written to; chart links are made relative to it so
 * they open from the file. Without it they stay relative to the working directory.
 */
export function markdownSummary(result: GateResult, linkDir?: string): string {
  const link = (p: string) => (linkDir === undefined ? p : relative(resolve(linkDir), resolve(p)));
  const onlySaved = result.saved?.length && result.verdict === 'pass' && !result.scenarios.some((g) => g.thresholds.length || g.baseline?.comparisons.length);
  const out: string[] = [`## Downtime gate: ${onlySaved ? `💾 SAVED baseline (${result.saved!.join(', ')}); nothing was checked` : VERDICT_MD[result.verdict]}`, ''];
  out.push(row(['scenario', 'verdict', 'repeats', 'failed per run (min / median / max)', 'errorWindow ms (max)', 'ok req/s (median)']));
  out.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const g of result.scenarios) {
    const f = g.figures.failed;
    out.push(
      row([
        `\`${g.scenario}\``,
        // never a green mark beside lost requests: the known-bad reference leads with them
        knownBadPass(g) ? `❗ lost requests, ${reproducesText(g.knownBad!)}` : VERDICT_MD[scenarioVerdict(g)],
        `${g.repeats.length} of ${g.repeatsPlanned}`,
        f ? `${formatFigure(f.min)} / ${formatFigure(f.median)} / ${formatFigure(f.max)}` : 'n/a',
        formatFigure(g.figures.errorWindowMs?.max ?? null, 'errorWindowMs'),
        formatFigure(g.figures.okPerSecond?.median ?? null, 'okPerSecond'),
      ]),
    );
  }
  for (const g of result.scenarios) {
    out.push('', `### \`${g.scenario}\`: ${VERDICT_MD[scenarioVerdict(g)]}`, '');
    if (g.knownBad) out.push(`> Known-bad reference: ${g.knownBad}`, '');
    const problems = problemsOf(g);
    if (problems.length) out.push(...problems.map((p) => `- ${p}`), '');
    out.push(...checksTable(g), '');
    out.push(`<details><summary>Figures across ${g.repeats.length} repeat${g.repeats.length === 1 ? '' : 's'}</summary>`, '');
    out.push(...figuresTable(g), '', '</details>', '');
    if (g.repeats.length) {
      out.push('Run directories (each with `report.json` and `report.html`):');
      for (const [i, r] of g.repeats.entries()) {
        out.push(`- repeat ${i + 1}: \`${r.runDir}\`${r.pngs.map((p) => ` · [${basename(p, '.png')}](${encodeURI(link(p))})`).join('')}`);
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The terminal view: per scenario, each check on one line, then the verdict. */
export function textSummary(result: GateResult): string {
  const out: string[] = [];
  for (const g of result.scenarios) {
    const f = g.figures.failed;
    out.push(
      `${g.scenario}: ${VERDICT_TEXT[scenarioVerdict(g)]}${knownBadPass(g)}  (${g.repeats.length} of ${g.repeatsPlanned} repeats measured` +
        (f ? `; failed per run min ${formatFigure(f.min)} / median ${formatFigure(f.median)} / max ${formatFigure(f.max)}` : '') +
        ')',
    );
    if (g.knownBad) out.push(`  known-bad reference: ${g.knownBad}`);
    for (const m of g.unmeasured) out.push(`  !! could not measure: ${m}`);
    for (const t of g.thresholds) out.push(`  ${t.status === 'pass' ? 'ok  ' : t.status === 'fail' ? 'FAIL' : '??  '} ${t.message}`);
    for (const b of g.baseline?.comparisons ?? []) out.push(`  ${b.status === 'pass' ? 'ok  ' : b.status === 'fail' ? 'FAIL' : '??  '} baseline ${b.message}`);
    for (const fig of ['errorWindowMs', 'maxGapMs', 'okPerSecond'] as const) {
      const s = g.figures[fig];
      if (s) out.push(`       ${fig}: min ${formatFigure(s.min, fig)} / median ${formatFigure(s.median, fig)} / max ${formatFigure(s.max, fig)}`);
    }
  }
  out.push(verdictSentence(result));
  return out.join('\n');
}

/**
 * The gate's last line. A run that only saved a baseline checked nothing, and says so instead
 * of "PASS"; one that saved and checked thresholds says both.
 */
export function verdictSentence(result: GateResult): string {
  const checked = result.scenarios.some((g) => g.thresholds.length || g.baseline?.comparisons.length);
  const saved = result.saved?.length ? `baseline saved to ${result.saved.join(', ')}` : '';
  if (saved && !checked && result.verdict === 'pass') return `gate: SAVED, ${saved}; nothing was checked (exit ${result.exitCode})`;
  return `gate: ${VERDICT_TEXT[result.verdict]}${saved ? `, ${saved}` : ''} (exit ${result.exitCode})`;
}
