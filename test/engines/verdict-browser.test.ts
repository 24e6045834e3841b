// The verdict as a reader sees it, in Debian's chromium (playwright-core, headless): for a run
// that lost requests, one that lost none, and one stopped early, report.html, index.html and
// compare.html must say so in words and in colour (red, green, amber), never "PASS" in green
// over failures. Synthetic runs in the stored format (no nginx); screenshots in test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison, groupRuns, renderCompare, type CompareRun } from '../../harness/report/compare.ts';
import { writeIndex } from '../../harness/report/index-page.ts';
import { newRunDir, storeRun } from '../../harness/run/store.ts';
import { syntheticRunAs } from '../unit/report-fixture.ts';
import { ROOT } from '../integration/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const haveBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);

/** Background colours of the verdict styles (page.ts): red, green, amber. */
const COLOUR = { bad: 'rgb(253, 232, 232)', good: 'rgb(230, 246, 234)', warn: 'rgb(255, 244, 214)' };
/** The known-bad reference's verdict beside its headline, the same on every page and in the terminal. */
const EXPECTED = 'expected: this scenario reproduces a known failure, HTTP/1.1 keep-alive loses requests at every nginx reload (the seed)';

const CASES = [
  { name: 'lost', dirEnd: 'keepalive-60s', text: '6 FAILED REQUESTS', colour: COLOUR.bad },
  { name: 'clean', dirEnd: 'connection-close', text: 'NO FAILED REQUESTS', colour: COLOUR.good },
  { name: 'stopped', dirEnd: 'tuned-3s-1s', text: 'INCOMPLETE', colour: COLOUR.warn },
] as const;

let out: string;
const dirs: Record<string, string> = {};
let browser: Browser | null = null;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'downtime-verdicts-'));
  const runs = {
    // keepalive-60s, the known-bad reference: its thresholds hold, and it lost 6 requests
    lost: syntheticRunAs('keepalive-60s'),
    clean: syntheticRunAs('connection-close', [], (run) => run.records.outcome.fill(0)),
    stopped: syntheticRunAs('tuned-3s-1s', [], (run) => (run.meta.aborted = true)),
  };
  const stored: CompareRun[] = [];
  for (const [i, [name, run]] of Object.entries(runs).entries()) {
    run.meta.startedAt = `2026-11-24T12:0${i}:00.000Z`;
    const dir = await newRunDir(out, run.scenario.name, new Date(run.meta.startedAt));
    stored.push({ dir, report: await storeRun(dir, run) });
    dirs[name] = dir;
  }
  const cmpDir = join(out, '20261124-121000-compare');
  mkdirSync(cmpDir);
  writeFileSync(join(cmpDir, 'compare.html'), renderCompare(buildComparison(groupRuns(stored).groups, cmpDir)));
  writeFileSync(join(cmpDir, 'compare.json'), JSON.stringify(buildComparison(groupRuns(stored).groups, cmpDir)));
  await writeIndex(out);
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function open(file: string, shot: string, width = 1400): Promise<Page> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  if (await page.$('canvas')) await page.waitForFunction('window.chartsDrawn === true', undefined, { timeout: 10_000 });
  await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  return page;
}

/** The verdict chip in the table row whose link names the run: its text and background. */
const chipIn = (page: Page, dirEnd: string) =>
  page.evaluate(`(() => {
    const row = [...document.querySelectorAll('tr')].find((tr) => [...tr.querySelectorAll('a')].some((a) => a.getAttribute('href').includes('${dirEnd}/report.html')));
    const chip = row && row.querySelector('.verdict');
    // index.html says the gate in a few words with its full text as the cell's title; compare.html in full
    return chip ? { text: chip.textContent.trim(), colour: getComputedStyle(chip).backgroundColor, gate: row.querySelector('.gate').getAttribute('title') || row.querySelector('.gate').textContent } : null;
  })()`) as Promise<{ text: string; colour: string; gate: string } | null>;

describe.skipIf(!haveBrowser)('verdicts in a real browser', () => {
  for (const c of CASES) {
    it(`report.html of a run that ${c.name === 'stopped' ? 'was stopped' : c.name === 'lost' ? 'lost requests' : 'lost none'}: "${c.text}" in its colour`, async () => {
      const page = await open(join(dirs[c.name], 'report.html'), `verdict-report-${c.name}`);
      const v = (await page.evaluate(`(() => { const v = document.getElementById('verdict'); return { text: v.querySelector('b').textContent, colour: getComputedStyle(v).backgroundColor, all: v.textContent }; })()`)) as { text: string; colour: string; all: string };
      await page.close();
      expect(v.text).toBe(c.text);
      expect(v.colour).toBe(c.colour);
      expect(v.all).not.toContain('PASS');
      if (c.name === 'lost') {
        // one thing, not "thresholds hold" with ✓ marks under a red headline
        expect(v.all).toContain(EXPECTED);
        expect(v.all).not.toMatch(/✓|thresholds hold/);
      }
      if (c.name === 'stopped') expect(v.all).toContain('an early end is never a pass');
    }, 60_000);
  }

  it('index.html: each run leads with what clients saw, in its colour, the gate beside it', async () => {
    const page = await open(join(out, 'index.html'), 'verdict-index');
    for (const c of CASES) {
      const chip = await chipIn(page, c.dirEnd);
      expect(chip, c.name).toMatchObject({ text: c.text, colour: c.colour });
    }
    expect((await chipIn(page, 'connection-close'))!.gate).toContain('thresholds hold (maxFailed ≤ 0, maxBackgroundFailures ≤ 0)');
    expect((await chipIn(page, 'keepalive-60s'))!.gate).toBe(EXPECTED);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
    await page.close();
  }, 60_000);

  it('compare.html: the same verdicts per run, and the table fits 1400 px', async () => {
    const page = await open(join(out, '20261124-121000-compare', 'compare.html'), 'verdict-compare');
    for (const c of CASES) expect(await chipIn(page, c.dirEnd), c.name).toMatchObject({ text: c.text, colour: c.colour });
    expect((await chipIn(page, 'keepalive-60s'))!.gate).toBe(EXPECTED);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
    await page.close();
  }, 60_000);
});
