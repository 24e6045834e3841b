// Finding a proxy's binary: an environment variable naming it, else PATH, else the sbin
// directories a normal user's PATH lacks (Debian installs haproxy and nginx there).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CannotMeasure } from '../errors.ts';

export function findBinary(name: string, envVar: string, hint: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = env[envVar];
  if (named) {
    if (!existsSync(named)) throw new CannotMeasure(`${envVar}=${named} does not exist. ${hint}`);
    return named;
  }
  for (const dir of [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/opt/homebrew/bin']) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new CannotMeasure(`${name} was not found on PATH. ${hint}`);
}

/** nginx's time syntax ("60s", "500ms", "1m", "75" = seconds) in milliseconds. */
export function nginxTimeMs(time: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(time.trim());
  if (!m) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}
