import { expect } from 'vitest';
import { CannotMeasure } from '../../harness/errors.ts';

/** The message of the CannotMeasure that `fn` throws; fails the test if it throws nothing else. */
export function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CannotMeasure);
    return (err as Error).message;
  }
  throw new Error('expected CannotMeasure');
}
