// What every command does with its arguments alike: a parse error is bad input (exit 2) shown
// with the command's help, and help or a listing goes to stdout with exit 0.
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CannotMeasure } from '../errors.ts';

export function parseCommandLine<T extends ParseArgsConfig>(help: string, config: T): ReturnType<typeof parseArgs<T>> {
  const swallowed = flagsNpmSwallowed(Object.keys(config.options ?? {}));
  if (swallowed.length) throw new CannotMeasure(swallowedMessage(swallowed));
  try {
    return parseArgs(config);
  } catch (err) {
    throw new CannotMeasure(`${(err as Error).message}\n\n${help}`);
  }
}

/**
 * `npm run x a --switches 3` keeps `--switches` for npm itself (it becomes npm_config_switches
 * in the environment) and passes only `a 3` on: the command would misread its arguments. When
 * npm ran this very script (npm run, its lifecycle script naming this file), the options npm
 * took are found by those names.
 */
export function flagsNpmSwallowed(options: string[], env: NodeJS.ProcessEnv = process.env, script = process.argv[1] ?? ''): string[] {
  if (env.npm_command !== 'run' && env.npm_command !== 'run-script') return [];
  if (!script || !env.npm_lifecycle_script?.includes(basename(script))) return [];
  return options.filter((name) => env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined).map((name) => `--${name}`);
}

export function swallowedMessage(flags: string[], env: NodeJS.ProcessEnv = process.env): string {
  const script = env.npm_lifecycle_event ?? '<command>';
  return (
    `npm kept ${flags.join(', ')} for itself (\`npm run\` hands flags to the command only after \`--\`): ` +
    `the command never saw ${flags.length === 1 ? 'it' : 'them'}, and any value${flags.length === 1 ? '' : 's'} arrived as plain arguments. Put \`--\` before the arguments:\n` +
    `  npm run ${script} -- <arguments and flags>\n` +
    `or run the command itself, where flags need no \`--\`:\n` +
    `  npx downtime-harness ${script} <arguments and flags>`
  );
}

/** Writes a line to stdout; returns exit code 0, for `return print(HELP)`. */
export function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
