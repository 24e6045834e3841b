// Every failure code the harness records or counts, in one table: what it means, its colour in the
// charts, whether it is the reload race (and which kind), and where its name comes from. The load's
// clients and the client drivers' error maps write codes from it (CODE.*), the retrying profile
// resends by it, the report's charts and error table read it, and docs/FAILURE-CODES.md is
// generated from it (npm run failure-codes-doc).
//
// The strings are what records.bin and report.json hold: runs stored long ago are read back and
// re-analysed, so a code is never renamed here, only added. A code not in the table (any errno or
// Node error Node hands the client) is still recorded as it is, and read with a fallback.

/**
 * Whether a failure is the keep-alive reload race, and which kind:
 * closed: the connection closed (or was reset) under a request sent on it, which a browser resends
 * when the connection had served before; refused: HTTP/2 refused the request unprocessed, which
 * the protocol makes safe to resend on any connection; null: not the race.
 */
export type Race = 'closed' | 'refused' | null;

/** Where a code's name comes from (SOURCES says each in words). */
export type Source = 'errno' | 'node' | 'undici' | 'rfc9113' | 'harness' | 'http';

export interface FailureCode {
  code: string;
  /** one plain sentence */
  meaning: string;
  /** more about it in the reload story, for the report's error table and the doc */
  note?: string;
  /** its colour in every chart */
  colour: string;
  race: Race;
  source: Source;
}

export const SOURCES: Record<Source, string> = {
  errno: "the kernel's error number on the socket, as Node (libuv) reports it",
  node: "Node's own error code (its http2 module)",
  undici:
    "the name undici gives the failure: the harness's own HTTP/1.1 client keeps undici's names, so runs stored while the load used undici, and the cross-check's undici clients, compare; the other client drivers (docs/CLIENTS.md) record their libraries' errors under the same codes",
  rfc9113: 'the RST_STREAM error code the server sent (RFC 9113 §7), its name after H2_',
  harness: "the harness's own name",
  http: "the response's status",
};

const TIMEOUT = '#57606a';

/** The named codes, by the constant producers write (CODE.SOCKET_CLOSED, not 'UND_ERR_SOCKET'). */
const NAMED = {
  SOCKET_CLOSED: {
    code: 'UND_ERR_SOCKET',
    meaning: 'The server closed the keep-alive connection while this request was on it ("other side closed").',
    note: 'At a reload, an old nginx worker closes its idle keep-alive connections as it exits; a request sent just before the close is lost.',
    colour: '#cf222e',
    race: 'closed',
    source: 'undici',
  },
  RESET: {
    code: 'ECONNRESET',
    meaning: 'The connection was reset (TCP RST).',
    note: 'The request reached a socket the old worker had already closed, or closed with unread data, so the kernel answered with a reset.',
    colour: '#fb8500',
    race: 'closed',
    source: 'errno',
  },
  BROKEN_PIPE: {
    code: 'EPIPE',
    meaning: 'The request was written to a connection the other side had already closed.',
    colour: '#bf3989',
    race: 'closed',
    source: 'errno',
  },
  ABORTED: {
    code: 'ECONNABORTED',
    meaning: 'The connection was aborted on this machine while the request was on it.',
    colour: '#e85aad',
    race: 'closed',
    source: 'errno',
  },
  REFUSED: {
    code: 'ECONNREFUSED',
    meaning: 'Nothing was listening on the port when a new connection was attempted (the proxy or app was down).',
    colour: '#8250df',
    race: null,
    source: 'errno',
  },
  TIMED_OUT: {
    code: 'ETIMEDOUT',
    meaning: "The kernel gave up on the connection: the other side stopped answering at the TCP level.",
    colour: TIMEOUT,
    race: null,
    source: 'errno',
  },
  HEADERS_TIMEOUT: {
    code: 'UND_ERR_HEADERS_TIMEOUT',
    meaning: 'No response head arrived within load.timeoutMs.',
    colour: TIMEOUT,
    race: null,
    source: 'undici',
  },
  BODY_TIMEOUT: {
    code: 'UND_ERR_BODY_TIMEOUT',
    meaning: 'The response body stalled for longer than load.timeoutMs.',
    colour: TIMEOUT,
    race: null,
    source: 'undici',
  },
  CONNECT_TIMEOUT: {
    code: 'UND_ERR_CONNECT_TIMEOUT',
    meaning: 'The connection (TCP, and TLS over HTTPS) could not be established within load.timeoutMs.',
    colour: TIMEOUT,
    race: null,
    source: 'undici',
  },
  CLIENT_DESTROYED: {
    code: 'UND_ERR_DESTROYED',
    meaning: "The load closed the connection's client itself while the request was on it.",
    colour: '#6e7781',
    race: null,
    source: 'undici',
  },
  INVALID_RESPONSE: {
    code: 'HPE_INVALID_RESPONSE',
    meaning: 'The server sent bytes that are not a well-formed HTTP/1.1 response (RFC 9112), and the client dropped the connection at once.',
    note: "A malformed head or chunk, conflicting framing, bytes after the response nobody asked for, or bytes on an idle connection (counted on the next request there). One code for all of these, named in the HPE_ family of Node's parser (llhttp), whose codes tell them apart.",
    colour: '#a40e26',
    race: null,
    source: 'harness',
  },
  H2_REFUSED_STREAM: {
    code: 'H2_REFUSED_STREAM',
    meaning: "HTTP/2: the server refused the request unprocessed, as it was sent after the server's GOAWAY.",
    note: 'An exiting nginx worker names the last stream it will answer. The protocol makes such a request safe to resend, and browsers, curl and Go do; a client that does not sees it fail.',
    colour: '#6639ba',
    race: 'refused',
    source: 'rfc9113',
  },
  H2_GOAWAY_SESSION: {
    code: 'ERR_HTTP2_GOAWAY_SESSION',
    meaning: 'HTTP/2: the connection had already received GOAWAY when the request was made on it.',
    colour: '#9a6700',
    race: 'refused',
    source: 'node',
  },
  H2_STREAM_CLOSED: {
    code: 'H2_STREAM_CLOSED',
    meaning: 'HTTP/2: the stream closed (reset with NO_ERROR, or with its connection) before its response ended.',
    colour: '#0550ae',
    race: null,
    source: 'harness',
  },
  H2_TIMEOUT: {
    code: 'H2_TIMEOUT',
    meaning: 'HTTP/2: no complete response within load.timeoutMs.',
    colour: TIMEOUT,
    race: null,
    source: 'harness',
  },
  H2_CONNECT_TIMEOUT: {
    code: 'H2_CONNECT_TIMEOUT',
    meaning: 'HTTP/2: the connection (TCP and TLS) could not be established within load.timeoutMs.',
    colour: TIMEOUT,
    race: null,
    source: 'harness',
  },
  CUT_AT_STOP: {
    code: 'CUT_AT_STOP',
    meaning: 'The request had outlived its own timeout when the load stopped, and was cut there.',
    colour: '#afb8c1',
    race: null,
    source: 'harness',
  },
  WRK_SOCKET_ERROR: {
    code: 'WRK_SOCKET_ERROR',
    meaning: 'The closed-loop reference of calibrate --cross-check, wrk, got no response: it saw a read or write error on the connection and reconnected.',
    note: 'wrk does not say which error, nor when: the record ends at its next write on that connection.',
    colour: '#d4a72c',
    race: 'closed',
    source: 'harness',
  },
  UNKNOWN: {
    code: 'unknown',
    meaning: 'A transport error recorded without a code.',
    colour: '#a40e26',
    race: null,
    source: 'harness',
  },
  HTTP_502: {
    code: 'HTTP 502',
    meaning: 'Bad gateway: the proxy could not get a response from the upstream app (it was stopping, or not yet listening).',
    colour: '#d4a72c',
    race: null,
    source: 'http',
  },
  HTTP_503: {
    code: 'HTTP 503',
    meaning: 'Service unavailable: the upstream (or the proxy) refused to serve the request.',
    colour: '#d4a72c',
    race: null,
    source: 'http',
  },
  HTTP_504: {
    code: 'HTTP 504',
    meaning: 'Gateway timeout: the upstream app did not answer in time.',
    colour: '#d4a72c',
    race: null,
    source: 'http',
  },
} as const satisfies Record<string, FailureCode>;

type Named = typeof NAMED;
/** The code strings, for producers: `coded('other side closed', CODE.SOCKET_CLOSED)`. */
export const CODE = Object.fromEntries(Object.entries(NAMED).map(([name, f]) => [name, f.code])) as { readonly [K in keyof Named]: Named[K]['code'] };

/** RST_STREAM error codes (RFC 9113 §7), by their number. */
const RST_CODES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR',
  'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];
/** Resets that are not a failure of the request: NO_ERROR, and CANCEL (the client's own, at its timeout). */
const NOT_RECORDED = new Set(['NO_ERROR', 'CANCEL']);

/** The code a stream reset by the server is recorded with: H2_<RFC 9113 name>, or H2_RST_<number> for one the RFC does not name. */
export const h2ResetCode = (rst: number) => `H2_${RST_CODES[rst] ?? `RST_${rst}`}`;
/** Whether a stream reset with this code failed its request (else the stream's own error stands). */
export const isFailingReset = (rst: number) => !NOT_RECORDED.has(RST_CODES[rst] ?? '');

/** The code an HTTP response outside load.successStatus is counted under. */
export const httpCode = (status: number) => `HTTP ${status}`;

const resetEntries: FailureCode[] = RST_CODES.filter((name) => !NOT_RECORDED.has(name))
  .map((name): FailureCode => ({ code: h2ResetCode(RST_CODES.indexOf(name)), meaning: `HTTP/2: the server reset the stream with ${name}.`, colour: '#953800', race: null, source: 'rfc9113' }));

/** The whole table, named codes first, then the other HTTP/2 resets; each code once. */
export const FAILURE_CODES: readonly FailureCode[] = [
  ...Object.values(NAMED),
  ...resetEntries.filter((r) => !Object.values(NAMED).some((n) => n.code === r.code)),
];
const BY_CODE = new Map(FAILURE_CODES.map((f) => [f.code, f]));

/** Colours for codes not in the table: the same code always gets the same one. */
const SPARE = ['#a40e26', '#9a6700', '#6639ba', '#0550ae', '#953800'];
const spareColour = (code: string) => {
  let h = 0;
  for (const c of code) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return SPARE[h % SPARE.length];
};

/** The table's entry for a code, or for one it does not list (an errno, another status) a fallback; `known` says which. */
export function codeInfo(code: string): FailureCode & { known: boolean } {
  const f = BY_CODE.get(code);
  if (f) return { ...f, known: true };
  if (code.startsWith('HTTP ')) {
    const meaning = 'A complete response whose status is outside the success range (load.successStatus).';
    return { code, meaning, colour: code.startsWith('HTTP 5') ? '#d4a72c' : '#e16f24', race: null, source: 'http', known: false };
  }
  return { code, meaning: 'A transport error with no complete response.', colour: spareColour(code), race: null, source: sourceOf(code), known: false };
}

/** Where an unlisted code's name comes from, by its family. */
const sourceOf = (code: string): Source =>
  /^E[A-Z0-9]+$/.test(code) ? 'errno' : code.startsWith('UND_ERR_') ? 'undici' : code.startsWith('H2_') ? 'rfc9113' : 'node';

/** The report's words for a code: its meaning, then its note. */
export const explainCode = (code: string) => {
  const f = codeInfo(code);
  return f.note ? `${f.meaning} ${f.note}` : f.meaning;
};
