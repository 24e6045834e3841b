// npm run gate -- <scenario…> [options]: a CI regression gate on downtime. Runs each scenario
// (fresh stack per repeat), judges its figures against thresholds and optionally a baseline,
// and exits 0 (every check holds), 1 (a check is broken) or 2 (could not measure).
import { dirname } from 'node:path';
import { checkWritableDir } from '../files.ts';
import { loadBaseline, saveBaselines } from '../gate/baseline-file.ts';
import { gateResult } from '../gate/result.ts';
import { print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { helpLines, usageOf } from './flags.ts';
import { BASELINE_FLAGS, gateOptions, listGated, OUTPUT_FLAGS, RUN_FLAGS, STAT_FLAG, THRESHOLD_FLAGS } from './gate-options.ts';
import { writeGateOutputs } from './gate-output.ts';
import { runGates } from './gate-run.ts';
import { progressLine } from './progress.ts';
import { MEASURE_FLAGS, SCENARIO_FLAGS } from './scenario-options.ts';
import { stopOnSignals } from './signals.ts';

/** The help's column for flags. */
const W = 31;

/** The scenario flags gate takes as npm run scenario does, listed by name only. */
const AS_IN_SCENARIO = Object.entries(SCENARIO_FLAGS)
  .filter(([name]) => name !== 'set' && name !== 'out')
  .map(([name, f]) => usageOf(name, f))
  .join(', ');

const HELP = `Usage: npm run gate -- <scenario…> [options]
       npm run gate -- --all [options]

A CI regression gate on downtime. Runs each scenario against a real nginx (a fresh stack for
every repeat; every repeat writes its usual run directory under --out), then judges the figures
against thresholds and, optionally, a stored baseline.

Thresholds (from the scenario's \`expect\`, overridden here; times take 50ms, 0.5s, or 50 = 50 ms):
${helpLines(THRESHOLD_FLAGS, W)}
${helpLines(STAT_FLAG, W)}

Runs:
${helpLines(RUN_FLAGS, W)}
${helpLines({ set: SCENARIO_FLAGS.set }, W, { set: 'override any scenario field, repeatable\n(e.g. --set expect.maxGapMs.stat=median --set load.warmupMs=1s)' })}
  ${AS_IN_SCENARIO}   as in npm run scenario
${helpLines({ out: SCENARIO_FLAGS.out, url: MEASURE_FLAGS.url }, W, { url: 'gate a system the harness did not start, as npm run measure\ndoes (with --switch-cmd, --switches, --interval, --name)' })}

Baselines:
${helpLines(BASELINE_FLAGS, W)}

Outputs:
${helpLines(OUTPUT_FLAGS, W)}

Exit codes: 0 every threshold and baseline check holds; 1 one is broken (each named with its
figure and limit); 2 could not measure (bad input, thresholds no run can pass together such as
--max-failed 0 beside the scenario's minFailed 1, a component that would not start, a switch
that did not take effect, a figure that was not measured): never a pass. 130/143/129 after
Ctrl-C/SIGTERM/SIGHUP, with every process stopped.

Examples:
  npm run gate -- tuned-3s-1s --repeat 5 --max-failed 0
  npm run gate -- tuned-3s-1s --baseline reports/baselines/tuned-3s-1s.json --max-regression 20%
  npm run gate -- --all --junit reports/gate.xml`;

async function main(): Promise<number> {
  const request = gateOptions(process.argv.slice(2), HELP);
  if ('help' in request) return print(HELP);
  if ('list' in request) return print(listGated());
  const options = request;
  const { path: baselinePath, save } = options.baseline;
  const baseline = baselinePath && !save ? await loadBaseline(baselinePath, options.scenarios.map((s) => s.name)) : null;
  await checkWritableDir(options.out, '--out');
  for (const flag of ['junit', 'markdown'] as const) if (options[flag]) await checkWritableDir(dirname(options[flag]!), `--${flag}`);

  const log = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const progress = progressLine();
  const stopped = stopOnSignals(progress, 'ending the load, stopping nginx and the apps, writing what was measured…');
  const gates = await runGates(options, baseline, stopped, progress, log);
  const result = gateResult(gates);
  if (save) result.saved = await saveBaselines(gates, baselinePath, options.out, log);
  await writeGateOutputs(result, options);
  return stopped.exitCode ?? result.exitCode;
}

main().then((code) => process.exit(code), exitOnError);
