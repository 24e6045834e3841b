// Baseline files on disk: read one back for the scenarios a gate runs (refused, naming what is
// missing, before anything runs), and store each measured scenario's figures in one. The
// figures themselves and the comparison are baseline.ts's (pure).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { makeDirs, writeFileAtomic } from '../files.ts';
import { baselineEntry, parseBaseline, withEntry, type BaselineFile } from './baseline.ts';
import type { ScenarioGate } from './result.ts';

/** The baseline at `path`, which must have figures for every one of `scenarios`. */
export async function loadBaseline(path: string, scenarios: readonly string[]): Promise<BaselineFile> {
  if (!existsSync(path)) throw new CannotMeasure(`--baseline ${path}: no such file (store one with --save-baseline)`);
  const baseline = parseBaseline(await readFile(path, 'utf8'), path);
  const missing = scenarios.filter((s) => !baseline.scenarios[s]);
  if (missing.length) {
    throw new CannotMeasure(
      `--baseline ${path} has no figures for ${missing.join(', ')} ` +
        `(it has: ${Object.keys(baseline.scenarios).join(', ') || 'none'}); store them with --save-baseline`,
    );
  }
  return baseline;
}

/**
 * Stores each measured scenario's figures: in `path` (every scenario in one file), or else in
 * <out>/baselines/<scenario>.json. A scenario that could not be measured is not stored. Returns
 * the files written.
 */
export async function saveBaselines(gates: readonly ScenarioGate[], path: string | undefined, out: string, log: (line: string) => void): Promise<string[]> {
  const saved: string[] = [];
  for (const g of gates) {
    if (g.unmeasured.length || g.repeats.length === 0) {
      log(`baseline for ${g.scenario} not saved: it could not be measured`);
      continue;
    }
    const file = path ?? join(out, 'baselines', `${g.scenario}.json`);
    const existing = existsSync(file) ? parseBaseline(await readFile(file, 'utf8'), file) : null;
    const entry = baselineEntry(
      g.repeats.map((r) => r.figures),
      g.repeats.map((r) => r.runDir),
      new Date().toISOString(),
    );
    await makeDirs(dirname(file));
    await writeFileAtomic(file, `${JSON.stringify(withEntry(existing, g.scenario, entry), null, 2)}\n`);
    saved.push(file);
    log(`baseline for ${g.scenario} saved to ${file}`);
  }
  return saved;
}
