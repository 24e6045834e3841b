// Your own nginx.conf (or a server block) in a run: the harness takes over only what it must —
// where nginx listens, its pid, logs and temp paths, the include file a switch rewrites, and that
// it stays in the foreground — and lists every line it changed. Pure, so it is unit-tested.
// The file is read with a small reader of nginx's syntax (parseNginx, at the end), so it can be
// edited in place.
import { isAbsolute, join } from 'node:path';

export interface OwnedParts {
  /** the run's prefix, where pid, logs and temp paths go */
  prefix: string;
  /** what `listen` says: `127.0.0.1:8080` on the host, `80` in a container */
  listen: string;
  /** the absolute path of the include file the harness rewrites at each switch */
  upstreamFile: string;
  /** the basename of the user's include that sets the upstream (default service-url.inc) */
  upstreamInclude: string;
  /** where the user's relative includes (mime.types …) resolve: their nginx.conf's directory */
  confDir: string;
  runAsRoot: boolean;
}

export interface Change {
  /** the line in the user's file (0: added) */
  line: number;
  before: string;
  after: string;
  why: string;
}

export interface AdoptedConf {
  conf: string;
  changes: Change[];
  /** the other files it includes, as nginx will read them (absolute; may hold globs) */
  otherIncludes: string[];
}

const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/** Throws Error with a message for the user when the file cannot be used as it is. */
export function adoptNginxConf(text: string, own: OwnedParts): AdoptedConf {
  let directives: Directive[];
  try {
    directives = parseNginx(text);
  } catch (err) {
    if (err instanceof NginxSyntaxError) throw new Error(`cannot read it: ${err.message}`);
    throw err;
  }
  // A server block alone: the rest of a configuration around it, as nginx's packaged one has.
  const bare = !directives.some((d) => d.name === 'http' && d.context.length === 0);
  if (bare && !directives.some((d) => d.name === 'server' && d.context.length === 0)) {
    throw new Error('it has neither an http block nor a server block');
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const changes: Change[] = [];
  const source = (d: Directive) => text.slice(d.start, d.end).replace(/\s+/g, ' ');
  const replace = (d: Directive, after: string, why: string) => {
    edits.push({ start: d.start, end: d.end, text: after });
    changes.push({ line: d.line, before: source(d), after: after || '(removed)', why });
  };
  const top = (d: Directive) => (bare ? ['http', ...d.context] : d.context);

  let includeFound = false;
  const otherIncludes: string[] = [];
  const listened = new Set<Directive>();
  for (const d of directives) {
    const where = top(d);
    const inMain = where.length === 0;
    if (inMain && d.name === 'pid') replace(d, '', 'the harness keeps its own pid file');
    else if (inMain && d.name === 'daemon') replace(d, '', 'nginx runs in the foreground under the harness');
    else if (inMain && d.name === 'user' && !own.runAsRoot) replace(d, '', 'only root can switch user');
    else if (d.name === 'error_log' && d.args[0] !== 'stderr') replace(d, `error_log ${own.prefix}/logs/error.log ${d.args.slice(1).join(' ')}`.trim() + ';', 'logs go to the run\'s prefix');
    else if (d.name === 'access_log' && d.args[0] !== 'off') replace(d, `access_log ${[`${own.prefix}/logs/access.log`, ...d.args.slice(1)].join(' ')};`, 'logs go to the run\'s prefix');
    else if (TEMP_PATHS.some((t) => d.name === `${t}_temp_path`)) replace(d, '', 'temp paths go to the run\'s prefix');
    else if (d.name === 'listen') {
      const server = serverOf(d, directives);
      if (server && listened.has(server)) replace(d, '', 'one listen per server: the harness\'s address');
      else {
        if (server) listened.add(server);
        const flags = d.args.filter((a) => a === 'default_server');
        if (d.args.includes('ssl') || d.args.includes('quic')) throw new Error(`line ${d.line}: "${source(d)}": TLS listeners are not supported yet`);
        replace(d, `listen ${[own.listen, ...flags].join(' ')};`, 'the harness\'s address and port');
      }
    } else if (d.name === 'include') {
      const path = d.args[0] ?? '';
      if (basename(path) === own.upstreamInclude) {
        includeFound = true;
        replace(d, `include ${own.upstreamFile};`, 'the include file each switch rewrites');
      } else if (path && !isAbsolute(path)) {
        otherIncludes.push(join(own.confDir, path));
        replace(d, `include ${join(own.confDir, path)};`, 'relative to your nginx.conf\'s directory');
      } else if (path) {
        otherIncludes.push(path);
      }
    }
  }
  if (!includeFound) {
    throw new Error(
      `it includes no file named ${own.upstreamInclude}, the file a switch rewrites; ` +
        'name yours with proxy.upstreamInclude=<file name> (and its contents with proxy.upstreamTemplate)',
    );
  }
  for (const server of directives.filter((d) => d.name === 'server' && top(d).join('/') === 'http')) {
    if (!listened.has(server)) {
      edits.push({ start: server.body!.start, end: server.body!.start, text: `\n    listen ${own.listen};` });
      changes.push({ line: server.line, before: 'server {', after: `server { listen ${own.listen};`, why: 'the harness\'s address and port' });
    }
  }

  const temp = TEMP_PATHS.map((t) => `${t}_temp_path ${own.prefix}/temp/${t};`).join('\n    ');
  const mainLines = ['daemon off;', `pid ${own.prefix}/nginx.pid;`];
  const hasMainErrorLog = directives.some((d) => d.name === 'error_log' && top(d).length === 0);
  if (!hasMainErrorLog) mainLines.push(`error_log ${own.prefix}/logs/error.log notice;`);
  const head = `# Your nginx configuration, as the downtime harness ran it (changed lines listed beside the report).\n${mainLines.join('\n')}\n`;
  changes.push({ line: 0, before: '', after: mainLines.join(' '), why: 'foreground, pid and error log in the run\'s prefix' });
  changes.push({ line: 0, before: '', after: temp.replace(/\n +/g, ' '), why: 'temp paths in the run\'s prefix' });

  let body = applyEdits(text, edits);
  if (bare) {
    body = `events {\n    worker_connections 1024;\n}\n\nhttp {\n    ${temp}\n${indent(body)}\n}\n`;
  } else {
    // Re-parse the edited text to find the http block's start, then add the temp paths there.
    const edited = parseNginx(body).find((d) => d.name === 'http' && d.context.length === 0)!;
    body = `${body.slice(0, edited.body!.start)}\n    ${temp}${body.slice(edited.body!.start)}`;
    if (!directives.some((d) => d.name === 'events' && d.context.length === 0)) body = `events {\n}\n${body}`;
  }
  return { conf: `${head}${body}`, changes, otherIncludes };
}

function serverOf(d: Directive, all: Directive[]): Directive | undefined {
  return all.find((s) => s.name === 'server' && s.body && s.body.start <= d.start && d.end <= s.body.end);
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');

function applyEdits(text: string, edits: { start: number; end: number; text: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The changes as the report and the terminal list them. */
export function describeChanges(changes: Change[]): string {
  return changes
    .map((c) => (c.line ? `line ${c.line}: ${c.before}  →  ${c.after}   (${c.why})` : `added: ${c.after}   (${c.why})`))
    .join('\n');
}

// parseNginx: directives, their arguments, the blocks they sit in, and where each stands in the
// text. Follows nginx's own lexer (src/core/ngx_conf_file.c) in what matters here: `#` comments,
// quoted arguments, `;` ending a directive, `{` `}` blocks, and `${var}` inside an argument.

export interface Directive {
  name: string;
  args: string[];
  /** offset of the directive's first character */
  start: number;
  /** offset just after its `;`, or after its block's closing `}` */
  end: number;
  /** 1-based line of its first character */
  line: number;
  /** names of the blocks it sits in, outermost first: [] for main, ['http', 'server'] … */
  context: string[];
  /** for a block directive: offset just after its `{` and of its `}` */
  body?: { start: number; end: number };
}

export class NginxSyntaxError extends Error {}

export function parseNginx(text: string): Directive[] {
  const out: Directive[] = [];
  const stack: Directive[] = [];
  let words: string[] = [];
  let first = -1;
  let i = 0;
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const context = () => stack.map((d) => d.name);
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{') {
      if (!words.length) throw new NginxSyntaxError(`unexpected "${c}" on line ${lineAt(i)}`);
      const d: Directive = { name: words[0], args: words.slice(1), start: first, end: i + 1, line: lineAt(first), context: context() };
      out.push(d);
      if (c === '{') {
        d.body = { start: i + 1, end: -1 };
        stack.push(d);
      }
      words = [];
      i++;
    } else if (c === '}') {
      if (words.length) throw new NginxSyntaxError(`unexpected "}" on line ${lineAt(i)}: "${words.join(' ')}" lacks a ";"`);
      const block = stack.pop();
      if (!block) throw new NginxSyntaxError(`unexpected "}" on line ${lineAt(i)}`);
      block.body!.end = i;
      block.end = i + 1;
      i++;
    } else {
      if (!words.length) first = i;
      const [word, next] = readWord(text, i, lineAt);
      words.push(word);
      i = next;
    }
  }
  if (words.length) throw new NginxSyntaxError(`unexpected end of file: "${words.join(' ')}" lacks a ";"`);
  if (stack.length) throw new NginxSyntaxError(`unexpected end of file: the "${stack[stack.length - 1].name}" block from line ${stack[stack.length - 1].line} is not closed`);
  return out;
}

/** One argument: quoted (quotes removed, escapes kept as nginx keeps them) or bare. */
function readWord(text: string, from: number, lineAt: (o: number) => number): [string, number] {
  const quote = text[from];
  if (quote === '"' || quote === "'") {
    let i = from + 1;
    while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) throw new NginxSyntaxError(`unclosed quote from line ${lineAt(from)}`);
    return [text.slice(from + 1, i), i + 1];
  }
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i);
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (/\s/.test(c) || c === ';' || c === '{' || c === '}') break;
    i += c === '\\' ? 2 : 1;
  }
  return [text.slice(from, i), i];
}
