// README's command examples, as written: each names a script package.json has (or a command of
// the bin), and every flag it passes is one that command's --help documents. (The measured
// tables are made by running their commands: npm run readme-tables.)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
/** Every example line in README's code blocks that runs one of ours. */
const examples = [...readme.matchAll(/```\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => /^(npm run|npx downtime-harness)\b/.test(line))
  .flatMap((line) => line.split('&&').map((part) => part.trim()));

const helpCache = new Map<string, string>();
function helpOf(command: string): string {
  if (!helpCache.has(command)) {
    const r = spawnSync(process.execPath, ['bin/downtime-harness.mjs', command, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    helpCache.set(command, r.stdout);
  }
  return helpCache.get(command)!;
}

describe('README examples', () => {
  it('there are examples to check', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it('each runs a script that exists, with flags its --help documents', () => {
    const problems: string[] = [];
    for (const line of examples) {
      // a quoted argument is one value (e.g. --app-cmd '… --bind …'), not flags of ours
      const words = line.replace(/'[^']*'|"[^"]*"/g, 'VALUE').split(/\s+/);
      const command = words[0] === 'npx' ? words[2] : words[words[2] === '-s' ? 3 : 2];
      if (command === undefined || command === '--help' || command === 'test') continue;
      if (!scripts[command]) {
        problems.push(`${line}: no script "${command}"`);
        continue;
      }
      if (['setup', 'readme-tables', 'test:engines'].includes(command)) continue; // not commands of the bin
      for (const flag of words.filter((w) => /^--[a-z]/.test(w))) {
        if (!helpOf(command).includes(flag)) problems.push(`${line}: ${command} --help does not document ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
