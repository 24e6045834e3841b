// npm run soak: one long run at full rate with a switch every few seconds, watching the memory
// of the harness (and of nginx and the apps) the whole time, then how fast its report opens.
// Not part of `npm test`: the default is 10 minutes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from '../harness/cli/flags.ts';
import { CannotMeasure } from '../harness/errors.ts';
import { durationFlag } from '../harness/scenario/schema.ts';

const SOAK_FLAGS = {
  scenario: { type: 'string', default: 'keepalive-60s', value: '<name>', help: 'the scenario run (default keepalive-60s)' },
  duration: { type: 'string', default: '10m', value: '<time>', help: "the run's length (default 10m)" },
  'switch-every': { type: 'string', default: '10s', value: '<time>', help: 'time between switches (default 10s)' },
  sample: { type: 'string', default: '1s', value: '<time>', help: 'time between RSS samples (default 1s)' },
  'max-rss': { type: 'string', default: '1500', value: '<MB>', help: "the bound: exit 1 if the harness's RSS ever exceeds it (default 1500)" },
  out: { type: 'string', value: '<dir>', help: 'where the run directory and soak.json go (default: a temp directory)' },
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run soak -- [options]

Runs one scenario for a long time at full rate (closed loop, every connection busy) with a
switch every --switch-every, samples the resident memory (RSS) of the harness process and of
everything it started (nginx, the apps) every --sample, then opens the run's report.html in
chromium (when /usr/bin/chromium exists) and times it until every chart is drawn.

Options:
${helpLines(SOAK_FLAGS)}

Exit codes: 0 the run completed within the bound; 1 the bound was exceeded; 2 the run failed.`;

const CHROMIUM = '/usr/bin/chromium';

interface Sample {
  s: number;
  harnessMb: number;
  stackMb: number;
}

/** VmRSS of a process and the sum over its descendants, in MB (Linux /proc). */
function rssMb(root: number): { self: number; children: number } {
  const parents = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parents.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited
    }
  }
  const rss = (pid: number) => {
    try {
      return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  const descendants: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) if (parent === pid) descendants.push(child), walk(child);
  };
  walk(root);
  return { self: rss(root), children: descendants.reduce((sum, pid) => sum + rss(pid), 0) };
}

async function main(): Promise<number> {
  const { values } = parseCommandLine({ options: parserOptions(SOAK_FLAGS) });
  if (values.help) return print(HELP);
  const durationMs = durationFlag('duration', values.duration!, 1);
  const everyMs = durationFlag('switch-every', values['switch-every']!, 1);
  const sampleMs = durationFlag('sample', values.sample!, 1);
  const maxRss = Number(values['max-rss']);
  if (!(maxRss > 0)) throw new CannotMeasure(`--max-rss ${values['max-rss']}: expected a number of MB above 0`);
  const warmupMs = 2000;
  const cooldownMs = 3000;
  const switches = Math.max(1, Math.floor((durationMs - warmupMs - cooldownMs) / everyMs));
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'downtime-soak-'));

  const args = [
    '--import', 'tsx', 'harness/cli/scenario.ts', values.scenario!,
    '--duration', `${durationMs}ms`, '--switches', String(switches), '--out', out,
    '--set', `load.warmupMs=${warmupMs}`, '--set', `load.cooldownMs=${cooldownMs}`,
  ];
  process.stderr.write(`soak: ${values.scenario}, ${values.duration}, ${switches} switches (one every ${values['switch-every']}), RSS sampled every ${values.sample}\n`);
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CI: 'true' } });
  let summary = '';
  child.stdout.on('data', (d) => (summary += d));
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const { self, children } = rssMb(child.pid!);
    if (self > 0) samples.push({ s: Math.round((performance.now() - started) / 100) / 10, harnessMb: Math.round(self), stackMb: Math.round(children) });
  }, sampleMs);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 2)));
  clearInterval(timer);
  const runSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new CannotMeasure(`the run exited ${code}:\n${summary}`);

  const runDir = readdirSync(out).map((d) => join(out, d)).find((d) => existsSync(join(d, 'report.html')))!;
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'));
  const open = existsSync(CHROMIUM) ? await timeOpening(join(runDir, 'report.html')) : null;

  const peak = Math.max(...samples.map((s) => s.harnessMb));
  const peakStack = Math.max(...samples.map((s) => s.stackMb));
  const step = Math.max(1, Math.floor(samples.length / 20));
  const table = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  const result = {
    scenario: values.scenario,
    durationMs,
    switches,
    runSeconds: Math.round(runSeconds),
    requests: report.analysis.totals.requests,
    failed: report.analysis.totals.failed,
    okPerSecond: report.analysis.totals.okPerSecond,
    peakHarnessRssMb: peak,
    peakStackRssMb: peakStack,
    maxRssMb: maxRss,
    reportHtmlMb: Math.round((statSync(join(runDir, 'report.html')).size / 1e6) * 100) / 100,
    reportOpenMs: open,
    runDir,
    samples,
  };
  writeFileSync(join(out, 'soak.json'), JSON.stringify(result, null, 2));
  print(`${summary.trim()}\n`);
  print(`RSS over time (MB): harness process / nginx + apps`);
  print(table.map((s) => `  ${String(s.s).padStart(6)} s  ${String(s.harnessMb).padStart(5)} / ${s.stackMb}`).join('\n'));
  print(
    `peak RSS: harness ${peak} MB (bound ${maxRss} MB), nginx + apps ${peakStack} MB; ` +
      `${result.requests.toLocaleString('en-US')} requests, ${result.failed} failed, ${result.okPerSecond.toLocaleString('en-US')} ok/s`,
  );
  print(`report.html ${result.reportHtmlMb} MB, ${open === null ? `not opened (no ${CHROMIUM})` : `opened and every chart drawn in ${open} ms`}`);
  print(`soak.json: ${join(out, 'soak.json')}`);
  return peak > maxRss ? 1 : 0;
}

/** ms from navigation until every chart is drawn, in headless chromium. */
async function timeOpening(file: string): Promise<number> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction('window.chartsDrawn === true', undefined, { timeout: 60_000 });
    return Math.round(performance.now() - t0);
  } finally {
    await browser.close();
  }
}

main().then((code) => process.exit(code), exitOnError);
