// The `html` tagged template every page is written with: what it interpolates is escaped, unless
// it is already an `html` fragment (or an array of them, joined with nothing), so no page has to
// remember to call an escape function. `raw()` marks the few trusted strings (the inlined
// scripts, the style sheet), which have their own safe encoding (page.ts: inlineScript, inlineJson).

/** A piece of HTML that is safe to put on a page as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * What a page may interpolate: text (escaped), numbers, fragments, arrays of them (joined with
 * nothing); false, null and undefined are nothing, so `${cond && html`…`}` reads as it means.
 */
export type Interpolation = Html | string | number | false | null | undefined | readonly Interpolation[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe in an element or a quoted attribute. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

function render(value: Interpolation): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === false || value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

/** The tag: html`<td title="${title}">${text}</td>`. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A trusted string, put on the page as it is: only for what has its own safe encoding. */
export const raw = (text: string) => new Html(text);

/** Fragments (or text, escaped) with a separator between them, e.g. joinHtml(rows, '\n'). */
export const joinHtml = (parts: readonly Interpolation[], separator: Interpolation): Html =>
  new Html(parts.map(render).join(render(separator)));
