// The `html` tag the pages are written with: what it interpolates is escaped unless it is a
// fragment already; arrays are joined; raw() is the one way in for trusted text.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, Html, joinHtml, raw } from '../../harness/report/html-template.ts';
import { inlineJson, inlineScript, page } from '../../harness/report/page.ts';

describe('the html tag', () => {
  it('escapes text, in elements and in quoted attributes', () => {
    const evil = `<img src=x onerror="alert('x')"> & co`;
    expect(html`<p title="${evil}">${evil}</p>`.text).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co</p>',
    );
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('leaves the template itself alone, and numbers as they are', () => {
    expect(html`<td class="a'b">${1234.5}</td><td>${0}</td>`.text).toBe(`<td class="a'b">1234.5</td><td>0</td>`);
  });

  it('puts a fragment in as it is, so nesting escapes once', () => {
    const inner = html`<b>${'a & b'}</b>`;
    expect(inner).toBeInstanceOf(Html);
    expect(html`<p>${inner}</p>`.text).toBe('<p><b>a &amp; b</b></p>');
    expect(html`<div>${html`<p>${inner}</p>`}</div>`.text).toBe('<div><p><b>a &amp; b</b></p></div>');
    expect(String(inner)).toBe('<b>a &amp; b</b>');
  });

  it('joins arrays with nothing, escaping each text and nesting arrays', () => {
    expect(html`<tr>${['<', html`<td>x</td>`, [html`<td>y</td>`, '&']]}</tr>`.text).toBe('<tr>&lt;<td>x</td><td>y</td>&amp;</tr>');
    expect(html`<ul>${[]}</ul>`.text).toBe('<ul></ul>');
  });

  it('writes nothing for false, null and undefined, so a condition reads as it means', () => {
    const some = (n: number) => html`<p>${n > 0 && html`<b>${n}</b>`}${null}${undefined}</p>`.text;
    expect(some(0)).toBe('<p></p>');
    expect(some(2)).toBe('<p><b>2</b></p>');
    expect(html`${''}`.text).toBe('');
  });

  it('joinHtml puts a separator between parts, escaped unless it is a fragment', () => {
    expect(joinHtml(['a<', html`<i>b</i>`], html`<br>`).text).toBe('a&lt;<br><i>b</i>');
    expect(joinHtml([html`<tr></tr>`, html`<tr></tr>`], '\n').text).toBe('<tr></tr>\n<tr></tr>');
    expect(joinHtml(['x', 'y'], ' & ').text).toBe('x &amp; y');
  });

  it('raw() puts trusted text in unescaped: scripts and JSON with their own safe encoding', () => {
    expect(html`<style>${raw('a>b{}')}</style>`.text).toBe('<style>a>b{}</style>');
    const json = inlineJson({ s: '</script><!-- <b>' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ s: '</script><!-- <b>' });
    expect(html`<script type="application/json">${raw(json)}</script>`.text).toBe(
      '<script type="application/json">{"s":"\\u003c/script>\\u003c!-- \\u003cb>"}</script>',
    );
    expect(inlineScript('x = "</script>"; // <!--')).toBe('x = "<\\/script>"; // <\\!--');
  });

  it('a page escapes its title and takes its body as a fragment', () => {
    const out = page('a < b', html`<p>${'c & d'}</p>`);
    expect(out).toContain('<title>a &lt; b</title>');
    expect(out).toContain('\n<p>c &amp; d</p>\n');
    expect(out).not.toContain('<script');
  });
});
