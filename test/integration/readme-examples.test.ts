// The commands and links of README.md and every page in docs/, as written: each command example
// (in a code block, or inline in backticks) names a script package.json has (or a command of the
// bin), and every flag it passes is one that command's --help documents; every relative link
// points at a file that exists, and its #anchor at a heading of that file; every file of the
// repository a page names exists. (The measured tables
// are made by running their commands: npm run readme-tables.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
/** README.md and every page in docs/, by path from the root. */
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const text = Object.fromEntries(pages.map((p) => [p, readFileSync(join(ROOT, p), 'utf8')]));

const FENCE = /^```[^\n]*\n([\s\S]*?)^```/gm;
const runsOurs = (line: string) => /^(npm run|npx downtime-harness)\b/.test(line);
/** The page without its code blocks, for what prose says: inline commands and links. */
const prose = (page: string) => text[page].replace(FENCE, '');

/** Every command in a page that runs one of ours: each line of its code blocks, and each inline one. */
function examplesOf(page: string): string[] {
  const blocks = [...text[page].matchAll(FENCE)].flatMap((m) => m[1].split('\n')).map((line) => line.replace(/\s+#.*$/, '').trim());
  // an inline command may wrap across lines of the paragraph
  const inline = [...prose(page).matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s+/g, ' ').trim());
  return [...blocks, ...inline].filter(runsOurs).flatMap((line) => line.split('&&').map((part) => part.trim()));
}
const examples = pages.flatMap((page) => examplesOf(page).map((line) => ({ page, line })));

const helpCache = new Map<string, string>();
function helpOf(command: string): string {
  if (!helpCache.has(command)) {
    const r = spawnSync(process.execPath, ['bin/downtime-harness.mjs', command, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    helpCache.set(command, r.stdout);
  }
  return helpCache.get(command)!;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of markdown.replace(FENCE, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('README and docs examples', () => {
  it('there are examples to check, in the README and in docs/', () => {
    expect(examples.filter((e) => e.page === 'README.md').length).toBeGreaterThan(5);
    expect(examples.length).toBeGreaterThan(60);
  });

  it('each runs a script that exists, with flags its --help documents', () => {
    const problems: string[] = [];
    for (const { page, line } of examples) {
      // a quoted argument is one value (e.g. --app-cmd '… --bind …'), not flags of ours
      const words = line.replace(/'[^']*'|"[^"]*"/g, 'VALUE').split(/\s+/);
      const command = words[0] === 'npx' ? words[2] : words[words[2] === '-s' ? 3 : 2];
      if (command === undefined || command === '--help' || command === '--version' || command === 'test') continue;
      if (!scripts[command]) {
        problems.push(`${page}: ${line}: no script "${command}"`);
        continue;
      }
      if (['setup', 'readme-tables', 'test:engines', 'typecheck'].includes(command)) continue; // not commands of the bin
      for (const flag of words.filter((w) => /^--[a-z]/.test(w))) {
        if (!helpOf(command).includes(flag)) problems.push(`${page}: ${line}: ${command} --help does not document ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);
});

describe('README and docs links', () => {
  it('every relative link points at a file that exists, and its #anchor at a heading there', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const m of prose(page).replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        checked++;
        const [path, anchor] = target.split('#');
        const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page);
        if (!existsSync(file)) {
          problems.push(`${page}: (${target}): no file ${relative(ROOT, file)}`);
          continue;
        }
        if (anchor === undefined) continue;
        if (statSync(file).isDirectory() || !file.endsWith('.md')) problems.push(`${page}: (${target}): an anchor into a file that is not a page`);
        else if (!anchorsOf(readFileSync(file, 'utf8')).has(anchor)) problems.push(`${page}: (${target}): no heading "#${anchor}" in ${relative(ROOT, file)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('every file of the repository a page names (`harness/…`, `test/…`, `examples/…` …) exists', () => {
    const named = pages.flatMap((page) =>
      [...text[page].matchAll(/(?<![\w./-])(?:harness|test|scripts|docker|deploy|examples|scenarios|bin|docs|\.github|\.ci)\/[\w./-]*\w/g)].map((m) => ({ page, path: m[0] })),
    );
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter(({ path }) => !existsSync(join(ROOT, path))).map(({ page, path }) => `${page}: ${path}`)).toEqual([]);
  });

  it('the README links every page in docs/', () => {
    const linked = new Set([...prose('README.md').matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]));
    expect(pages.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });

  it('the README stays a first page: at most 200 lines (the rest belongs in docs/)', () => {
    expect(text['README.md'].trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });
});
