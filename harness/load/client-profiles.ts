// Client profiles (`load.client`): what a client does when a request fails, which decides how
// many failures a user sees at a reload. Pure: the load thread asks `resends`, the run asks
// `requestOf`.
//
// What real clients do (their own source):
// - Chromium (HttpNetworkTransaction::ShouldResendRequest), Firefox and curl resend a request,
//   whatever its method, when its connection had served a request before (reused) and failed
//   (reset, closed, aborted, empty response) before any response header arrived.
// - Go's net/http (Transport.shouldRetryRequest) does the same on a reused connection, but only
//   for a replayable request: GET, HEAD, OPTIONS, TRACE without a body, or one with an
//   Idempotency-Key header (or when not one byte of it was written). So Go-based load tools
//   (k6, vegeta) hide a reload's GET failures; a POST's stay visible.
// - The load's own clients (the harness's HTTP/1.1 client, Node's http2), undici, Python
//   requests, wrk and autocannon never resend.
// - HTTP/2: a stream refused after the server's GOAWAY (REFUSED_STREAM) was not processed, so
//   the protocol makes it safe to resend whatever the method (RFC 9113 §8.7); browsers, curl and
//   Go's client do.
// Which failure is which kind (a connection closed under the request, or a refusal) is the
// failure-code table's `race` column (records/failure-codes.ts).
import { codeInfo } from '../records/failure-codes.ts';

/** raw: never resends; retrying: resends once, as above, any method; post: POST, never resent. */
export const CLIENT_PROFILES = ['raw', 'retrying', 'post'] as const;
export type ClientProfile = (typeof CLIENT_PROFILES)[number];

export const CLIENT_LABELS: Record<ClientProfile, string> = {
  raw: 'raw client: no retry, every failure counts',
  retrying: 'retrying client (browsers, curl, Go for GET): resends once what failed on a reused connection before any response byte',
  post: 'POST traffic: never resent, every failure reaches the user',
};

export interface FailedAttempt {
  /** the request went out on a connection that had served one before */
  reused: boolean;
  /** a response head arrived (status > 0): the server answered, so nothing is resent */
  answered: boolean;
  /** the transport error code */
  code: string;
  /** this attempt is already the resend */
  resent: boolean;
}

/**
 * Whether a retrying client resends this failed attempt once, on a fresh connection: a refusal
 * (HTTP/2: the server did not process the stream) on any connection, a connection closed under
 * the request (reset, closed, broken pipe, aborted) only on a reused one.
 */
export function resends(a: FailedAttempt): boolean {
  if (a.answered || a.resent) return false;
  const race = codeInfo(a.code).race;
  return race === 'refused' || (race === 'closed' && a.reused);
}

/** The body the post profile sends when the scenario gives none: a small order, as a form would. */
export const DEFAULT_POST_BODY = '{"order":1}';

/** Method, body and headers for the profile: post turns the scenario's request into a POST. */
export function requestOf(
  client: ClientProfile,
  load: { method: string; headers: Record<string, string>; body?: string },
): { method: string; headers: Record<string, string>; body?: string } {
  if (client !== 'post') return { method: load.method, headers: load.headers, body: load.body };
  const body = load.body ?? DEFAULT_POST_BODY;
  const typed = Object.keys(load.headers).some((h) => h.toLowerCase() === 'content-type');
  return { method: 'POST', headers: typed || load.body !== undefined ? load.headers : { ...load.headers, 'content-type': 'application/json' }, body };
}
