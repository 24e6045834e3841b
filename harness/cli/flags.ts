// A command-line flag, declared once: its name (the key), its type, its help text and the
// scenario field it sets. The parser's options, the help lines and the flag → field overrides
// are all made from these declarations (parserOptions, helpLines, overridesOf), so a flag is
// added, renamed or explained in one place (harness/cli/scenario-options.ts for the shared ones).
import { CannotMeasure } from '../errors.ts';
import type { Override } from '../scenario/resolve.ts';

export interface Flag {
  type: 'string' | 'boolean';
  multiple?: boolean;
  default?: string;
  short?: string;
  /** what the help shows after the name, e.g. `<time>`; none for a boolean */
  value?: string;
  /** the help text; `\n` starts a new line, indented under the first */
  help: string;
  /** the scenario field it sets: a string flag's value goes there as given, or through `parse` */
  field?: string;
  /** a string flag's value as its field takes it; throws CannotMeasure, naming the flag, when it cannot */
  parse?: (value: string, flag: string) => unknown;
  /** flags that set more than one field, or fields named by their value (--set, --header) */
  overrides?: (values: string[], flag: string) => Override[];
}

export type Flags = Record<string, Flag>;

/** Every command's -h, --help. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h', help: 'this text' } } as const satisfies Flags;

/** --json: what the command prints on stdout in place of its text. */
export const jsonFlag = (help: string) => ({ json: { type: 'boolean', help } }) as const satisfies Flags;

/** What node:util's parseArgs takes, made from the declarations. */
type ParserOption<F extends Flag> = { type: F['type']; multiple: F['multiple'] extends true ? true : false; default?: string; short?: string };
export type ParserOptions<T extends Flags> = { [K in keyof T]: ParserOption<T[K]> };

export function parserOptions<T extends Flags>(flags: T): ParserOptions<T> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [
      name,
      { type: f.type, multiple: Boolean(f.multiple), ...(f.default !== undefined ? { default: f.default } : {}), ...(f.short ? { short: f.short } : {}) },
    ]),
  ) as ParserOptions<T>;
}

/** `--name <value>` (with `-x, ` before it for a short flag), as help and lists show it. */
export const usageOf = (name: string, f: Flag) => `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;

/**
 * The help lines of the given flags, in their order: the usage in a column `width` wide (the
 * text follows after two spaces when the usage is wider), continuation lines under the text.
 * `help` replaces a flag's text where one command means it differently.
 */
export function helpLines(flags: Flags, width = 25, help: Record<string, string> = {}): string {
  return Object.entries(flags)
    .map(([name, f]) => {
      const usage = usageOf(name, f);
      const [first, ...rest] = (help[name] ?? f.help).split('\n');
      const head = usage.length <= width - 2 ? `  ${usage.padEnd(width)}${first}` : `  ${usage}  ${first}`;
      return [head, ...rest.map((line) => `${' '.repeat(width + 2)}${line}`)].join('\n');
    })
    .join('\n');
}

export type FlagValues = Record<string, string | string[] | boolean | undefined>;

/** The overrides the given values make, in the declarations' order. */
export function overridesOf(flags: Flags, values: FlagValues): Override[] {
  const out: Override[] = [];
  for (const [name, f] of Object.entries(flags)) {
    const v = values[name];
    if (v === undefined || v === false) continue;
    if (f.overrides) out.push(...f.overrides(Array.isArray(v) ? v : [String(v)], name));
    else if (f.field && f.type === 'boolean') out.push({ path: f.field, value: true });
    else if (f.field) out.push({ path: f.field, value: f.parse ? f.parse(String(v), name) : v });
  }
  return out;
}

/** A whole number of at least `min`, or an error that names the flag. */
export function wholeNumber(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CannotMeasure(`--${flag} ${v}: expected a whole number >= ${min}`);
  return n;
}

export const whole =
  (min: number) =>
  (v: string, flag: string): number =>
    wholeNumber(flag, v, min);
