// What every command does with its arguments alike: a parse error is bad input (exit 2) said in
// one line that names the flag (the nearest real one for a mistyped flag, as for fields), and
// help or a listing goes to stdout with exit 0.
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CannotMeasure } from '../errors.ts';
import { nearest } from '../scenario/fields.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const options: Options = config.options ?? {};
  const swallowed = flagsNpmSwallowed(Object.keys(options));
  if (swallowed.length) throw new CannotMeasure(swallowedMessage(swallowed));
  const args = config.args ?? process.argv.slice(2);
  try {
    return parseArgs({ ...config, args: negativeValuesJoined(args, options) }) as ReturnType<typeof parseArgs<T>>;
  } catch (err) {
    throw new CannotMeasure(flagError(err as Error & { code?: string }, args, options));
  }
}

/** The option a token names (`--name`, `--name=v`, `-x`), or undefined when none does. */
function optionOf(token: string, options: Options): { name: string; type: 'string' | 'boolean' } | undefined {
  if (token.startsWith('--')) {
    const name = token.slice(2).split('=')[0];
    return options[name] ? { name, type: options[name].type } : undefined;
  }
  const found = Object.entries(options).find(([, o]) => o.short === token.slice(1));
  return found ? { name: found[0], type: found[1].type } : undefined;
}

const NEGATIVE = /^-(\d|\.\d)/;

/**
 * `--switches -1` as `--switches=-1`: Node's parser takes a value that starts with a dash for a
 * flag, and calls it ambiguous; joined, it reaches the flag's own check, which says what it expects.
 */
export function negativeValuesJoined(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return [...out, ...args.slice(i)];
    const opt = !a.includes('=') ? optionOf(a, options) : undefined;
    if (opt?.type === 'string' && NEGATIVE.test(args[i + 1] ?? '')) {
      out.push(`--${opt.name}=${args[++i]}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** Node's parse error in this project's words: the flag, what was wrong, and what to write. */
export function flagError(err: Error & { code?: string }, args: readonly string[], options: Options): string {
  const flags = Object.keys(options).map((name) => `--${name}`);
  const end = args.indexOf('--');
  const before = end < 0 ? args : args.slice(0, end);
  for (const [i, a] of before.entries()) {
    if (!a.startsWith('-') || a === '-') continue;
    const opt = optionOf(a, options);
    if (!opt) {
      if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') continue;
      const name = a.split('=')[0];
      const near = nearest(name.replace(/^-+/, ''), Object.keys(options));
      return `unknown flag ${name}${near ? `; did you mean --${near}?` : ` (the flags: ${flags.join(', ')})`}`;
    }
    const given = a.includes('=') ? a.slice(a.indexOf('=') + 1) : undefined;
    if (opt.type === 'boolean' && given !== undefined) return `--${opt.name} takes no value (it is on when given): write --${opt.name}, not ${a}`;
    if (opt.type === 'string' && given === undefined) {
      const next = args[i + 1];
      if (next === undefined) return `--${opt.name} needs a value, and none followed it`;
      if (next.startsWith('-')) return `--${opt.name} needs a value, but ${next} followed it (a value that starts with a dash is written --${opt.name}=${next})`;
    }
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = before.find((a) => !a.startsWith('-') && !before.some((b, i) => before[i + 1] === a && optionOf(b, options)?.type === 'string' && !b.includes('=')));
    return `unexpected argument${extra ? ` ${extra}` : ''}: this command takes flags only (${flags.join(', ')})`;
  }
  return err.message;
}

/**
 * `npm run x a --switches 3` keeps `--switches` for npm itself (it becomes npm_config_switches
 * in the environment) and passes only `a 3` on: the command would misread its arguments. When
 * npm ran this very script (npm run, its lifecycle script naming this file), the options npm
 * took are found by those names.
 */
export function flagsNpmSwallowed(options: string[], env: NodeJS.ProcessEnv = process.env, script = process.argv[1] ?? ''): string[] {
  if (!ranByNpmRun(env, script)) return [];
  return options.filter((name) => env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined).map((name) => `--${name}`);
}

/** Whether `npm run` ran this very script: its lifecycle script names this file. */
export function ranByNpmRun(env: NodeJS.ProcessEnv = process.env, script = process.argv[1] ?? ''): boolean {
  if (env.npm_command !== 'run' && env.npm_command !== 'run-script') return false;
  return Boolean(script) && Boolean(env.npm_lifecycle_script?.includes(basename(script)));
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

/** The commands the npm package has (scripts/build.ts bundles each): `npx downtime-harness <command>` there. */
export const PACKAGE_COMMANDS = new Set(['scenario', 'gate', 'compare', 'report', 'reports', 'calibrate', 'measure', 'images', 'study', 'shape']);

/**
 * Text as the user runs the command. Installed from the npm package (the script is dist/<name>.mjs)
 * there are no npm scripts, so `npm run gate -- …` reads `npx downtime-harness gate …`; in a
 * clone, unchanged.
 */
export function asRun(text: string, script = process.argv[1] ?? ''): string {
  if (!/[\\/]dist[\\/][\w-]+\.mjs$/.test(script)) return text;
  return text.replace(/npm run (?:-s )?([\w-]+)( --(?= |$))?/gm, (all, name: string) => (PACKAGE_COMMANDS.has(name) ? `npx downtime-harness ${name}` : all));
}

/** Writes a line to stdout; returns exit code 0, for `return print(HELP)`. */
export function print(text: string): number {
  process.stdout.write(`${asRun(text)}\n`);
  return 0;
}
