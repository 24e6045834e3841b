// A small reader of nginx's configuration syntax: directives, their arguments, the blocks they
// sit in, and where each stands in the text, so a user's nginx.conf can be edited in place.
// Follows nginx's own lexer (src/core/ngx_conf_file.c) in what matters here: `#` comments,
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
