// No Docker engine runs here, so the Dockerfile is checked statically: it must install what
// setup installs, build from files that exist, and run the same entry point as the README.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PACKAGES } from '../../scripts/setup.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('docker/Dockerfile', () => {
  it('starts from Node 20 on Debian bookworm, like the machines it is tested on', () => {
    expect(instructions[0]).toBe('FROM node:20-bookworm-slim');
  });

  it('installs every Debian package that npm run setup installs', () => {
    const apt = instructions.find((l) => l.includes('apt-get install'))!;
    for (const pkg of SYSTEM_PACKAGES.base.apt) expect(apt.split(/\s+/)).toContain(pkg);
  });

  it('copies only files that exist, the lock file before npm ci', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY '));
    for (const copy of copies) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const src of sources) expect(existsSync(join(ROOT, src)), src).toBe(true);
    }
    const lock = instructions.findIndex((l) => l.startsWith('COPY') && l.includes('package-lock.json'));
    expect(lock).toBeGreaterThanOrEqual(0);
    expect(instructions.findIndex((l) => l.includes('npm ci'))).toBeGreaterThan(lock);
  });

  it('runs the scenario command by default', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.scenario).toBeDefined();
    expect(instructions).toContain('ENTRYPOINT ["npm", "run", "scenario", "--"]');
    expect(instructions).toContain('CMD ["keepalive-60s"]');
  });
});
