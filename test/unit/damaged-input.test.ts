// Bad input and damaged files never become a wrong figure: each is refused with a message that
// names it, or kept apart under a name that says what it is.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import type { Disruption } from '../../harness/analysis/types.ts';
import { writeFileAtomic } from '../../harness/files.ts';
import { decodeRecords, encodeRecords, readRecords } from '../../harness/records/file.ts';
import { OTHER_CODES, OUTCOME, RecordWriter, recordSetOf, type RecordInput } from '../../harness/records/records.ts';
import { zoomWindows } from '../../harness/report/chart-data.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { buildReport } from '../../harness/stored/report.ts';
import { analyzeRun, reportRun, storeRun } from '../../harness/run/store.ts';
import { parseReport, parseRunFile } from '../../harness/stored/files.ts';
import { applyOverrides, parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';
import type { ScenarioInput } from '../../harness/scenario/schema.ts';
import type { Stack } from '../../harness/stack/stack.ts';
import { performSwitch } from '../../harness/switch/switcher.ts';
import type { TimedEvent } from '../../harness/switch/events.ts';
import { messageOf } from './cannot-measure.ts';
import { syntheticRun } from './report-fixture.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'downtime-damaged-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The example: 1,000 records, 100 of them failures, spread through the run. */
function thousandWithFailures() {
  const rows: RecordInput[] = Array.from({ length: 1000 }, (_, i) => ({
    start: i * 100,
    end: i * 100 + 50,
    outcome: i % 10 === 9 ? OUTCOME.transportError : OUTCOME.ok,
    status: i % 10 === 9 ? 0 : 200,
    errorCode: i % 10 === 9 ? 'ECONNRESET' : '',
    conn: i % 8,
    reused: true,
    colour: 1,
  }));
  return recordSetOf(rows);
}

describe('records.bin', () => {
  it('a truncated file is refused, never read back with its failures turned into successes', () => {
    const bytes = encodeRecords(thousandWithFailures());
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    expect(() => decodeRecords(cut)).toThrow(/truncated: \d+ of \d+ bytes/);
  });

  it('a file from another format version, a wrong column type or length, or trailing bytes is refused', () => {
    const bytes = encodeRecords(thousandWithFailures());
    const len = bytes.readUInt32LE(7);
    const header = JSON.parse(bytes.subarray(11, 11 + len).toString());
    const withHeader = (h: object) => {
      const json = Buffer.from(JSON.stringify(h).padEnd(len)); // same length: the columns stay where they are
      return Buffer.concat([bytes.subarray(0, 11), json, bytes.subarray(11 + len)]);
    };
    expect(() => decodeRecords(withHeader({ ...header, version: 9 }))).toThrow(/format version 9/);
    const retyped = { ...header, columns: header.columns.map((c: { name: string }) => (c.name === 'start' ? { ...c, type: 'Uint8Array' } : c)) };
    expect(() => decodeRecords(withHeader(retyped))).toThrow(/column start is Uint8Array, expected Float64Array/);
    expect(() => decodeRecords(withHeader({ ...header, count: 999 }))).toThrow(/column scheduled has 8000 bytes, 999 records need 7992/);
    expect(() => decodeRecords(Buffer.concat([bytes, Buffer.alloc(8)]))).toThrow(/8 bytes after its last column/);
    expect(decodeRecords(bytes).count).toBe(1000);
  });

  it('readRecords names the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'records.bin'), encodeRecords(thousandWithFailures()).subarray(0, 100));
    await expect(readRecords(join(dir, 'records.bin'))).rejects.toThrow(`${join(dir, 'records.bin')}: not a readable records file`);
  });

  it('error codes past the 254th distinct one are filed as other codes, not under another code\'s name', () => {
    const w = new RecordWriter();
    for (let i = 0; i < 300; i++) w.push({ start: i, end: i + 1, outcome: OUTCOME.transportError, status: 0, errorCode: `E${i}`, conn: 0, reused: false, colour: 0 });
    const set = w.finish();
    const nameOf = (i: number) => set.errorCodes[set.error[i]];
    expect(nameOf(0)).toBe('E0');
    expect(nameOf(253)).toBe('E253');
    expect(nameOf(254)).toBe(OTHER_CODES);
    expect(nameOf(299)).toBe(OTHER_CODES);
    expect(decodeRecords(encodeRecords(set)).errorCodes[255]).toBe(OTHER_CODES);
  });
});

describe('stored files', () => {
  it('an atomic write leaves the old file or the whole new one, and no temp file', async () => {
    const dir = tempDir();
    const path = join(dir, 'report.json');
    await writeFileAtomic(path, 'old');
    await mkdir(`${path}.tmp-${process.pid}`); // the temp name is taken: the write fails
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    rmSync(`${path}.tmp-${process.pid}`, { recursive: true });
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('run.json and report.json are checked against their schema when read back', async () => {
    const dir = tempDir();
    await storeRun(dir, syntheticRun());
    const runJson = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const reportJson = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(parseRunFile(JSON.stringify(runJson), 'run.json').scenario.name).toBe('keepalive-60s');
    expect(parseReport(JSON.stringify(reportJson), 'report.json').analysis.totals.requests).toBe(reportJson.analysis.totals.requests);

    const wrongVersion = messageOf(() => parseRunFile(JSON.stringify({ ...runJson, schemaVersion: 7 }), 'run.json'));
    expect(wrongVersion).toContain('run.json is damaged');
    expect(wrongVersion).toContain('schemaVersion: expected schema version 2');
    const wrongType = structuredClone(reportJson);
    wrongType.analysis.totals.failed = 'many';
    expect(messageOf(() => parseReport(JSON.stringify(wrongType), 'report.json'))).toContain('analysis.totals.failed');
    const badName = { ...runJson, scenario: { ...runJson.scenario, name: 'x<!--' } };
    expect(messageOf(() => parseRunFile(JSON.stringify(badName), 'run.json'))).toContain('scenario.name');
    expect(messageOf(() => parseRunFile('{"schemaVersion":', 'run.json'))).toContain('run.json is not valid JSON');

    // npm run report refuses it with the field named, instead of failing deep in the analysis.
    const events = structuredClone(runJson);
    events.disruptions[0].events[0].atUs = 'soon';
    writeFileSync(join(dir, 'run.json'), JSON.stringify(events));
    await expect(reportRun(dir)).rejects.toThrow(/disruptions\.0\.events\.0\.atUs/);
  });
});

describe('bad input', () => {
  it('--set __proto__.x=1 is refused and pollutes nothing', () => {
    const base: ScenarioInput = { name: 'x', description: '' };
    for (const path of ['__proto__.polluted', 'load.__proto__.polluted', 'constructor.prototype.polluted']) {
      expect(messageOf(() => applyOverrides(base, [parseOverride(`${path}=1`)]))).toContain(`--set ${path}: unknown field`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('load.timeoutMs 0 is refused (it would turn timeouts off)', () => {
    const message = messageOf(() => resolveScenario('keepalive-60s', [parseOverride('load.timeoutMs=0')]));
    expect(message).toContain('load.timeoutMs: must be more than 0');
  });

  it('a chart label holding "<!--" or "</script>" leaves every chart spec valid JSON', async () => {
    const run = syntheticRun();
    run.disruptions[0].label = 'switch <!-- 1 --> </script><script>alert(1)</script>';
    const analysis = analyzeRun(run.records, run.disruptions, run.scenario);
    const html = await renderHtml(buildReport(run.meta, run.scenario, analysis), { zooms: zoomWindows(run.records, analysis.disruptions) });
    const specs = JSON.parse(/<script id="chart-specs" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]);
    expect(JSON.stringify(specs)).toContain('switch <!-- 1 -->');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('a switch with no events does not crash the analysis; it is named as a problem', () => {
    const set = thousandWithFailures();
    const disruptions: Disruption[] = [
      { kind: 'switch', label: 'switch 1: blue → green', from: 'blue', to: 'green', events: [] },
      { kind: 'switch', label: 'switch 2: green → blue', from: 'green', to: 'blue', events: [{ name: 'reload-signalled', atUs: 50_000 }, { name: 'new-colour-started', atUs: 40_000 }] },
    ];
    const a = analyze(set, disruptions, { settleMs: 100, bucketMs: 10, warmupMs: 0 });
    expect(a.disruptions).toHaveLength(1);
    expect(a.disruptions[0].horizon.fromMs).toBe(40); // events put in time order
    expect(a.problems).toContain('switch 1: blue → green recorded no events, so its failures could not be attributed to it');
  });
});

describe('switch events', () => {
  it('config-tested and reload-signalled carry the moments the proxy reports, not when its call returned', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let testedAt = 0n;
    let signalledAt = 0n;
    const app = (colour: 'blue' | 'green') => ({ colour, port: 1, pid: 1, healthy: async () => {}, stop: async () => {}, ended: new Promise<string>(() => {}) });
    const stack = {
      live: app('blue'),
      startApp: async (c: 'blue' | 'green') => app(c),
      proxy: {
        workers: async () => [],
        isWorker: async () => false,
        writeUpstream: async () => {},
        test: async () => {
          testedAt = process.hrtime.bigint();
          await sleep(30); // the helper process takes its time to close
          return testedAt;
        },
        reload: async () => {
          signalledAt = process.hrtime.bigint();
          await sleep(30);
          return signalledAt;
        },
      },
    } as unknown as Stack;
    const events: TimedEvent[] = [];
    await performSwitch(stack, events, { drainMs: 0 });
    expect(events.find((e) => e.name === 'config-tested')!.atNs).toBe(testedAt);
    expect(events.find((e) => e.name === 'reload-signalled')!.atNs).toBe(signalledAt);
  });
});
