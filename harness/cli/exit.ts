// How every command ends on an error: a clear message, the right exit code, no stack trace for
// the errors a user can fix.
import { CannotMeasure } from '../errors.ts';

export function exitOnError(err: unknown): never {
  if (err instanceof CannotMeasure) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(2);
}
