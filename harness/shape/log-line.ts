// One line of an nginx access log written with the `downtime` log_format (plain, fields in a
// fixed order) or its JSON twin (escape=json, the same variables by name). The format of each line
// is told by its first character, so a log that changed format mid-way still reads. Pure.

/** The two log_format lines docs/SHAPE.md tells users to paste: the one declaration of each. */
export const LOG_FORMATS = {
  plain: "log_format downtime '$msec $connection $connection_requests $request_time $tcpinfo_rtt $request_method $status';",
  json:
    "log_format downtime_json escape=json '{\"msec\":\"$msec\",\"connection\":\"$connection\",\"connection_requests\":\"$connection_requests\"," +
    '"request_time":"$request_time","tcpinfo_rtt":"$tcpinfo_rtt","request_method":"$request_method","status":"$status"}\';',
} as const;

/** The variables, in the plain format's order (and the JSON format's key names). */
export const LOG_FIELDS = ['msec', 'connection', 'connection_requests', 'request_time', 'tcpinfo_rtt', 'request_method', 'status'] as const;

export interface LogLine {
  format: 'plain' | 'json';
  /** $msec: when the request ended (nginx writes the line then), ms since the epoch, whole */
  endMs: number;
  /** $connection: nginx's serial number of the connection (restarts at 1 after a reload) */
  connection: number;
  /** $connection_requests: this request's number on its connection, from 1 */
  connectionRequests: number;
  /** $request_time: from the request's first byte read to the line written, whole ms */
  requestMs: number;
  /** $tcpinfo_rtt: the kernel's smoothed round trip, µs; null where nginx had none (`-`, empty) */
  rttUs: number | null;
  method: string;
  status: number;
}

/** A line, or why it is not one (names the field). */
export type ParsedLine = LogLine | { malformed: string };

const SECONDS_3 = /^(\d+)\.(\d{3})$/;
const WHOLE = /^\d+$/;
const TOKEN = /^[!-~]{1,32}$/;

/** nginx writes $msec and $request_time with exactly three decimals: read as whole ms, no float error. */
function millis(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  const m = typeof value === 'string' ? SECONDS_3.exec(value) : null;
  return m ? Number(m[1]) * 1000 + Number(m[2]) : null;
}

function whole(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  return typeof value === 'string' && WHOLE.test(value) && value.length <= 15 ? Number(value) : null;
}

/** The seven values, as text or (in JSON written unquoted) numbers, checked one by one. */
function fromValues(format: LogLine['format'], v: readonly unknown[]): ParsedLine {
  const endMs = millis(v[0]);
  if (endMs === null) return { malformed: `msec ${show(v[0])}: expected seconds with three decimals` };
  const connection = whole(v[1]);
  if (connection === null) return { malformed: `connection ${show(v[1])}: expected a whole number` };
  const connectionRequests = whole(v[2]);
  if (connectionRequests === null || connectionRequests < 1) return { malformed: `connection_requests ${show(v[2])}: expected a whole number from 1` };
  const requestMs = millis(v[3]);
  if (requestMs === null) return { malformed: `request_time ${show(v[3])}: expected seconds with three decimals` };
  const rttUs = v[4] === '-' || v[4] === '' ? null : whole(v[4]);
  if (rttUs === null && v[4] !== '-' && v[4] !== '') return { malformed: `tcpinfo_rtt ${show(v[4])}: expected microseconds, or - where there is none` };
  const method = v[5] === '' ? '-' : v[5];
  if (typeof method !== 'string' || !TOKEN.test(method)) return { malformed: `request_method ${show(v[5])}: expected a method` };
  const status = whole(v[6]);
  if (status === null || status < 100 || status > 999) return { malformed: `status ${show(v[6])}: expected a three-digit status` };
  return { format, endMs, connection, connectionRequests, requestMs, rttUs, method, status };
}

const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

const DOT = 46;
const SPACE = 32;
const DASH = 45;
const ZERO = 48;

/** The fast reader's position in its line (module state: closures per line cost a third of its time). */
let at = 0;

/** Digits from `at` up to the `stop` character, `at` left past it; -1 if none, too many, or another character first. */
function digitsUntil(s: string, stop: number): number {
  const from = at;
  let v = 0;
  for (; at < s.length; at++) {
    const c = s.charCodeAt(at);
    if (c === stop) break;
    if (c < ZERO || c > ZERO + 9) return -1;
    v = v * 10 + (c - ZERO);
  }
  if (at === from || at - from > 15 || at >= s.length) return -1;
  at++;
  return v;
}

/** Seconds with exactly three decimals then a space, as whole ms; -1 if not. */
function millisUntilSpace(s: string): number {
  const whole = digitsUntil(s, DOT);
  if (whole < 0) return -1;
  const from = at;
  const frac = digitsUntil(s, SPACE);
  return frac < 0 || at - from !== 4 ? -1 : whole * 1000 + frac;
}

/**
 * The plain format read in one pass over the characters, no strings made but the method's: on a
 * gigabyte of log, splitting each line cost more than everything else together. Null for any line
 * it does not take as it is; parseLogLine then says what is wrong with it.
 */
function parsePlainFast(s: string): LogLine | null {
  at = 0;
  const endMs = millisUntilSpace(s);
  if (endMs < 0) return null;
  const connection = digitsUntil(s, SPACE);
  const connectionRequests = digitsUntil(s, SPACE);
  const requestMs = millisUntilSpace(s);
  if (connection < 0 || connectionRequests < 1 || requestMs < 0) return null;
  let rttUs: number | null = null;
  if (s.charCodeAt(at) === DASH && s.charCodeAt(at + 1) === SPACE) at += 2;
  else if ((rttUs = digitsUntil(s, SPACE)) < 0) return null;
  const methodEnd = s.indexOf(' ', at);
  if (methodEnd <= at || methodEnd - at > 32 || s.length - methodEnd !== 4) return null;
  let status = 0;
  for (let k = methodEnd + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < ZERO || c > ZERO + 9) return null;
    status = status * 10 + (c - ZERO);
  }
  if (status < 100) return null;
  return { format: 'plain', endMs, connection, connectionRequests, requestMs, rttUs, method: s.slice(at, methodEnd), status };
}

export function parseLogLine(line: string): ParsedLine {
  const fast = parsePlainFast(line);
  if (fast && TOKEN.test(fast.method)) return fast;
  const text = line.trim();
  if (text.startsWith('{')) {
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      return { malformed: 'not JSON (a JSON line starts with {)' };
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return { malformed: 'not a JSON object' };
    const record = o as Record<string, unknown>;
    return fromValues('json', LOG_FIELDS.map((f) => record[f]));
  }
  const values = text.split(' ');
  if (values.length !== LOG_FIELDS.length) {
    return { malformed: `${values.length} space-separated fields, expected ${LOG_FIELDS.length} (${LOG_FIELDS.join(' ')})` };
  }
  return fromValues('plain', values);
}
