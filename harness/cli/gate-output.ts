// What the gate writes when it is done: the JUnit XML and the Markdown summary where asked, the
// Markdown again into $GITHUB_STEP_SUMMARY, the result (text, or JSON with --json) on stdout, and
// every broken check, unmeasured repeat and missing figure on stderr, one line each.
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeDirs, writeFileAtomic } from '../files.ts';
import { junitXml } from '../gate/junit.ts';
import { markdownSummary, textSummary } from '../gate/markdown.ts';
import type { GateResult } from '../gate/result.ts';
import { print } from './command-line.ts';
import type { GateOptions } from './gate-options.ts';

export async function writeGateOutputs(result: GateResult, options: Pick<GateOptions, 'junit' | 'markdown' | 'json'>): Promise<void> {
  if (options.junit) await writeOut(options.junit, junitXml(result));
  if (options.markdown) await writeOut(options.markdown, markdownSummary(result, dirname(options.markdown)));
  if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, `${markdownSummary(result)}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else print(textSummary(result));
  if (result.exitCode === 0) return;
  for (const g of result.scenarios) {
    for (const t of g.thresholds.filter((t) => t.status === 'fail')) process.stderr.write(`gate: ${g.scenario}: threshold broken: ${t.message}\n`);
    for (const c of g.baseline?.comparisons.filter((c) => c.status === 'fail') ?? []) process.stderr.write(`gate: ${g.scenario}: baseline regression: ${c.message}\n`);
    for (const m of g.unmeasured) process.stderr.write(`gate: ${g.scenario}: could not measure: ${m}\n`);
    for (const t of g.thresholds.filter((t) => t.status === 'missing')) process.stderr.write(`gate: ${g.scenario}: not measured: ${t.message}\n`);
  }
}

async function writeOut(file: string, text: string): Promise<void> {
  await makeDirs(dirname(file));
  await writeFileAtomic(file, text);
}
