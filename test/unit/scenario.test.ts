import { describe, expect, it } from 'vitest';
import { messageOf } from './cannot-measure.ts';
import { parseOverride, resolveScenario, scenarioNames } from '../../harness/scenario/resolve.ts';
import { parseDurationMs, switchSchedule } from '../../harness/scenario/schema.ts';


describe('scenarios', () => {
  it('ships the seed story, the other proxies and the idle-clients set, each valid', () => {
    expect(scenarioNames()).toEqual([
      'keepalive-60s',
      'connection-close',
      'keepalive-min-timeout',
      'tuned-3s-1s',
      'workers-1',
      'workers-2',
      'workers-4',
      'haproxy-keepalive',
      'haproxy-idle-close',
      'caddy-keepalive',
      'close-around-reload',
      'tls-keepalive',
      'tls-connection-close',
      'h2-keepalive',
      'idle-clients',
      'idle-clients-1ms',
      'idle-clients-10ms',
      'idle-clients-10ms-min-50ms',
      'idle-clients-10ms-min-1s',
    ]);
    for (const name of scenarioNames()) expect(resolveScenario(name).name).toBe(name);
  });

  it('renders the seed settings', () => {
    expect(resolveScenario('keepalive-60s').proxy).toMatchObject({ keepaliveTimeout: '60s', connectionClose: false });
    expect(resolveScenario('connection-close').proxy.connectionClose).toBe(true);
    expect(resolveScenario('tuned-3s-1s').proxy).toMatchObject({ keepaliveTimeout: '3s', workerShutdownTimeout: '1s' });
    expect(resolveScenario('workers-4').proxy.workerProcesses).toBe(4);
  });

  it('checks the open model and the delay line', () => {
    const idle = resolveScenario('idle-clients-10ms');
    expect(idle.load).toMatchObject({ model: 'open', rate: 2000, connections: 200, threads: 'auto' });
    expect(idle.network.delayMs).toBe(10);
    expect(() => resolveScenario('keepalive-60s', [{ path: 'load.model', value: 'open' }])).toThrow(/load\.rate.*needs a rate/);
    expect(() => resolveScenario('keepalive-60s', [{ path: 'load.model', value: 'shape' }])).toThrow(/load\.shape: the shape model needs a shape\.json/);
    expect(() => resolveScenario('keepalive-60s', ['load.model=shape', 'load.shape=s.json', 'load.shapeScale=0'].map(parseOverride))).toThrow(/load\.shapeScale/);
    expect(resolveScenario('keepalive-60s', ['load.model=shape', 'load.shape=s.json'].map(parseOverride)).load).toMatchObject({ shape: 's.json', shapeScale: 1 });
    expect(() => resolveScenario('keepalive-60s', [{ path: 'load.threads', value: 64 }])).toThrow(/load\.threads.*64 threads need at least as many connections/);
    expect(() => resolveScenario('keepalive-60s', [parseOverride('load.http2=true')])).toThrow(/load\.http2: HTTP\/2 here is over TLS: set proxy\.tls=true/);
    expect(() => resolveScenario('haproxy-keepalive', [parseOverride('proxy.tls=true')])).toThrow(/proxy\.tls: TLS is for the harness's own nginx/);
    expect(resolveScenario('h2-keepalive')).toMatchObject({ proxy: { tls: true }, load: { http2: true } });
    expect(() => resolveScenario('keepalive-60s', ['load.agents=2', 'load.client=retrying'].map(parseOverride))).toThrow(/load\.client: the retrying client runs on this machine's load threads/);
  });

  it('lists the known scenarios for an unknown name', () => {
    const msg = messageOf(() => resolveScenario('keepalive-6s'));
    expect(msg).toContain('unknown scenario "keepalive-6s"');
    for (const name of scenarioNames()) expect(msg).toContain(name);
  });

  it('applies overrides: plain words, numbers, JSON', () => {
    const s = resolveScenario('keepalive-60s', [
      parseOverride('proxy.keepaliveTimeout=3s'),
      parseOverride('load.connections=8'),
      parseOverride('proxy.workerProcesses=auto'),
      parseOverride('proxy.extraLocation=["add_header X-Test 1;"]'),
      parseOverride('load.durationMs=30s'),
    ]);
    expect(s.proxy.keepaliveTimeout).toBe('3s');
    expect(s.load.connections).toBe(8);
    expect(s.proxy.workerProcesses).toBe('auto');
    expect(s.proxy.extraLocation).toEqual(['add_header X-Test 1;']);
    expect(s.load.durationMs).toBe(30_000);
  });

  it('names the field of an invalid value', () => {
    expect(messageOf(() => resolveScenario('keepalive-60s', [parseOverride('load.connections=0')]))).toMatch(/load\.connections: .*>=1/);
    expect(messageOf(() => resolveScenario('keepalive-60s', [parseOverride('proxy.keepaliveTimeout=soon')]))).toContain(
      'proxy.keepaliveTimeout: expected an nginx time',
    );
    expect(messageOf(() => resolveScenario('keepalive-60s', [parseOverride('load.durationMs=later')]))).toContain(
      'load.durationMs: expected a duration',
    );
    expect(messageOf(() => resolveScenario('keepalive-60s', [parseOverride('proxy.keepalive=3s')]))).toContain(
      'proxy.keepalive: unknown field',
    );
    expect(messageOf(() => parseOverride('load.connections'))).toContain('expected field=value');
  });

  it('refuses a duration too short for its switches, saying what it needs', () => {
    const msg = messageOf(() => resolveScenario('keepalive-60s', [parseOverride('load.durationMs=6s')]));
    expect(msg).toContain('load.durationMs');
    expect(msg).toContain('10 switches need at least 10000 ms');
  });

  it('spreads switches evenly between warm-up and cool-down', () => {
    const s = resolveScenario('keepalive-60s');
    expect(switchSchedule(s)).toEqual([2000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000]);
  });

  it('parses durations', () => {
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('2s')).toBe(2000);
    expect(parseDurationMs('1.5m')).toBe(90_000);
    expect(parseDurationMs('1500')).toBe(1500);
    expect(parseDurationMs('2 hours')).toBeNaN();
  });
});

describe('your requests and your colours', () => {
  it('a body pattern must be a regular expression with a group; a header flag must be "Name: value"', async () => {
    const { overridesFrom } = await import('../../harness/cli/scenario-options.ts');
    expect(() => resolveScenario('keepalive-60s', [parseOverride('apps.colourBody=(blue')])).toThrow(/apps\.colourBody: not a regular expression with a group/);
    expect(() => resolveScenario('keepalive-60s', [parseOverride('apps.colourBody=blue')])).toThrow(/apps\.colourBody/);
    const s = resolveScenario('keepalive-60s', overridesFrom({ method: 'post', header: ['X-Test: 42'], body: 'hi' }));
    expect([s.load.method, s.load.headers, s.load.body]).toEqual(['POST', { 'x-test': '42' }, 'hi']);
    expect(() => overridesFrom({ header: ['no colon'] })).toThrow(/--header no colon: expected "Name: value"/);
  });
});
