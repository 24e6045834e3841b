// Errors that mean "the harness could not measure": bad input or a component that would not
// start. The CLI prints the message alone and exits 2, never a pass and never a stack trace.
export class CannotMeasure extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'CannotMeasure';
  }
}
