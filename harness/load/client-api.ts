// What the load thread asks of a connection's client, HTTP/1.1 (the harness's own, h1-client.ts)
// or HTTP/2 (Node's http2, h2-client.ts), so either slots in: the slice of undici's Client the
// load used before it had its own.

/** What a request reports, in this order (the order undici calls a dispatch handler in). */
export interface RequestHandler {
  /** the request's head is going out now ("write begins") */
  onWritten(): void;
  /** the response head; `header` reads one header by its lower-case name, only during this call */
  onHeaders(statusCode: number, header: HeaderLookup): void;
  onData(chunk: Buffer): boolean | void;
  onComplete(): void;
  onError(err: Error): void;
}

/** A response header's value by lower-case name (the last one if repeated), undefined when absent. */
export type HeaderLookup = (lowerCaseName: string) => string | undefined;

export interface LoadRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ClientOptions {
  /** connect, response head and body timeout, one value for the three (as undici has them) */
  timeoutMs: number;
  /** the certificate authority to trust (the stack's generated certificate); none: the system's */
  ca?: string;
  /** a new connection is being opened: the next requests are on it */
  opening(): void;
}

export interface LoadClient {
  dispatch(req: LoadRequest, handler: RequestHandler): void;
  destroy(): Promise<void>;
}

/** An error with a code, named as the records and the report name codes. */
export function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
