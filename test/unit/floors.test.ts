// The floors of harness/ (docs/ARCHITECTURE.md, Floors), declared here once: a folder imports
// only from folders on floors below its own, never from one above or beside it. Every import in
// harness/ is read (static, dynamic and `export … from`); one that runs up a floor fails the test
// with the file, the line and both floors named.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HARNESS = join(ROOT, 'harness');

/**
 * Bottom first. `.` is the files directly in harness/ (errors, clock, files, threads, numbers).
 * Folders on one floor do not import each other.
 */
export const FLOORS: readonly (readonly string[])[] = [
  ['.'], // errors, clock, files, threads, numbers: no harness imports
  ['records'], // typed-array records, records.bin, the failure-code table, AgentFacts
  ['load', 'network'], // the load threads and client profiles; the delay line
  ['scenario'], // the scenario schema, its thresholds, resolution by name
  ['engine', 'shape'], // the Docker engine, the images built here, the agent's bundle; traffic shapes from access logs
  ['stack'], // the Stack interface, its drivers and proxies
  ['switch', 'agents', 'reference'], // a switch; load agents; reference clients
  ['analysis'], // pure functions over the records
  ['stored'], // the shapes stored on disk: RunMeta, Report, run.json/report.json schemas
  ['gate', 'study'], // pure: thresholds judged, baselines, the study's matrix and ranking
  ['report'], // report.json's views: terminal, pages, charts
  ['run'], // one run, calibration, run directories (writes the report)
  ['cli'], // the commands
];

const floorOf = (folder: string) => FLOORS.findIndex((f) => f.includes(folder));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|cjs|js)$/.test(e.name) ? [p] : [];
  });
}

/** harness/<folder>/… → folder; harness/x.ts → '.'; outside harness/ → null. */
function folderOf(file: string): string | null {
  const rel = relative(HARNESS, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : '.';
}

/** Every relative module a file imports, with its line: `import … from`, `export … from`, `import()`, `import '…'`. */
export function importsOf(text: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  const re = /\b(?:import|export)\s[^'";]*?\bfrom\s*(['"])(\.[^'"]*)\1|\bimport\s*\(\s*(['"])(\.[^'"]*)\3\s*\)|\bimport\s+(['"])(\.[^'"]*)\5/g;
  for (const m of text.matchAll(re)) {
    out.push({ spec: m[2] ?? m[4] ?? m[6], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

describe('floors', () => {
  const files = sources(HARNESS);

  it('names every folder of harness/ on exactly one floor', () => {
    const folders = [...new Set(files.map(folderOf))] as string[];
    for (const f of folders) expect(FLOORS.filter((floor) => floor.includes(f)), `harness/${f} is on no floor (or on two)`).toHaveLength(1);
  });

  it('has no import that runs up a floor, or across one', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = folderOf(file)!;
      for (const { spec, line } of importsOf(readFileSync(file, 'utf8'))) {
        const to = folderOf(resolve(dirname(file), spec));
        if (to === null || to === from) continue;
        if (floorOf(to) >= floorOf(from)) {
          upward.push(`${relative(ROOT, file)}:${line} imports ${spec}: ${from} (floor ${floorOf(from)}) may not import ${to} (floor ${floorOf(to)})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('reads every kind of import', () => {
    const text = "import a from './a.ts';\nimport type { B } from '../b/b.ts';\nexport { c } from './c.ts';\nconst d = await import('../d.ts');\nimport './e.ts';\nimport x from 'zod';";
    expect(importsOf(text).map((i) => `${i.line}:${i.spec}`)).toEqual(['1:./a.ts', '2:../b/b.ts', '3:./c.ts', '4:../d.ts', '5:./e.ts']);
  });
});
