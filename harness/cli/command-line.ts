// What every command does with its arguments alike: a parse error is bad input (exit 2) shown
// with the command's help, and help or a listing goes to stdout with exit 0.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CannotMeasure } from '../errors.ts';

export function parseCommandLine<T extends ParseArgsConfig>(help: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new CannotMeasure(`${(err as Error).message}\n\n${help}`);
  }
}

/** Writes a line to stdout; returns exit code 0, for `return print(HELP)`. */
export function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
