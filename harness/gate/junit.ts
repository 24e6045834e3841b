// JUnit XML for CI test reporters: one test suite per scenario, one test case per threshold
// (and per baseline figure), plus one "measurement" case that errors when the harness could not
// measure. Failures carry the figure and the limit. Pure: no I/O.
import { formatFigure } from '../scenario/thresholds.ts';
import type { GateResult, ScenarioGate } from './result.ts';

/** Text safe in an XML attribute or element: escaped, and without characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  name: string;
  failure?: { type: string; message: string; body: string };
  error?: { type: string; message: string; body: string };
}

function casesOf(g: ScenarioGate): Case[] {
  const cases: Case[] = [];
  const measurement: Case = { name: 'measurement' };
  if (g.unmeasured.length || g.repeats.length === 0) {
    const message = g.unmeasured[0] ?? 'no repeat was measured';
    measurement.error = { type: 'CannotMeasure', message, body: g.unmeasured.join('\n') || message };
  }
  cases.push(measurement);
  for (const t of g.thresholds) {
    const c: Case = { name: `${t.name} ${t.bound === 'max' ? '<=' : '>='} ${t.limit} (${t.stat} of ${t.figure})` };
    const perRepeat = g.repeats
      .map((r, i) => `repeat ${i + 1}: ${t.figure} = ${r.figures[t.figure].map((v) => formatFigure(v, t.figure)).join(', ') || 'n/a'}  (${r.runDir})`)
      .join('\n');
    if (t.status === 'fail') c.failure = { type: 'threshold', message: t.message, body: `${t.message}\n${perRepeat}` };
    if (t.status === 'missing') c.error = { type: 'missing-figure', message: t.message, body: `${t.message}\n${perRepeat}` };
    cases.push(c);
  }
  for (const b of g.baseline?.comparisons ?? []) {
    const c: Case = { name: `baseline ${b.figure} (${b.stat})` };
    if (b.status === 'fail') c.failure = { type: 'baseline-regression', message: b.message, body: `${b.message}\nbaseline: ${g.baseline!.file}` };
    if (b.status === 'missing') c.error = { type: 'missing-figure', message: b.message, body: b.message };
    cases.push(c);
  }
  return cases;
}

export function junitXml(result: GateResult): string {
  const suites = result.scenarios.map((g) => ({ g, cases: casesOf(g) }));
  const count = (cases: Case[], k: 'failure' | 'error') => cases.filter((c) => c[k]).length;
  const all = suites.flatMap((s) => s.cases);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="downtime gate" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}">`,
  ];
  for (const { g, cases } of suites) {
    out.push(
      `  <testsuite name="${xmlEscape(g.scenario)}" tests="${cases.length}" failures="${count(cases, 'failure')}" errors="${count(cases, 'error')}" skipped="0">`,
    );
    out.push('    <properties>');
    out.push(`      <property name="repeats" value="${g.repeats.length} of ${g.repeatsPlanned}"/>`);
    if (g.knownBad) out.push(`      <property name="knownBad" value="${xmlEscape(g.knownBad)}"/>`);
    for (const r of g.repeats) out.push(`      <property name="runDir" value="${xmlEscape(r.runDir)}"/>`);
    out.push('    </properties>');
    for (const c of cases) {
      const open = `    <testcase classname="downtime-gate.${xmlEscape(g.scenario)}" name="${xmlEscape(c.name)}" time="0"`;
      const problem = c.failure ? ['failure', c.failure] as const : c.error ? ['error', c.error] as const : null;
      if (!problem) {
        out.push(`${open}/>`);
        continue;
      }
      const [tag, p] = problem;
      out.push(`${open}>`);
      out.push(`      <${tag} type="${xmlEscape(p.type)}" message="${xmlEscape(p.message)}">${xmlEscape(p.body)}</${tag}>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
