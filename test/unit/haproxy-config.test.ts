import { describe, expect, it } from 'vitest';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';
import { nginxTimeMs } from '../../harness/stack/binaries.ts';
import { renderHaproxyCfg, renderHaproxyUpstream } from '../../harness/stack/proxy/haproxy-config.ts';

const layout = { prefix: '/tmp/run', listenPort: 8080 };

describe('HAProxy configuration', () => {
  it('listens on the harness\'s address and sends everything to the live backend, written per switch', () => {
    const cfg = renderHaproxyCfg(resolveScenario('haproxy-keepalive').proxy, layout);
    expect(cfg).toContain('bind 127.0.0.1:8080');
    expect(cfg).toContain('default_backend live');
    expect(cfg).toContain('timeout http-keep-alive 60000ms');
    expect(cfg).not.toContain('idle-close-on-response');
    expect(renderHaproxyUpstream('green', { blue: 9001, green: 9002 })).toMatch(/^backend live\n[\s\S]*server green 127\.0\.0\.1:9002\n$/);
  });

  it('renders the fix and the seed\'s tuning in HAProxy\'s terms', () => {
    expect(renderHaproxyCfg(resolveScenario('haproxy-idle-close').proxy, layout)).toContain('option idle-close-on-response');
    const tuned = renderHaproxyCfg(resolveScenario('haproxy-keepalive', ['proxy.workerShutdownTimeout=1s', 'proxy.keepaliveTimeout=3s'].map(parseOverride)).proxy, layout);
    expect(tuned).toMatch(/^global[\s\S]*hard-stop-after 1000ms[\s\S]*^defaults/m);
    expect(tuned).toContain('timeout http-keep-alive 3000ms');
  });

  it('reads nginx\'s time syntax', () => {
    expect(nginxTimeMs('75')).toBe(75_000);
    expect(nginxTimeMs('500ms')).toBe(500);
    expect(nginxTimeMs('1m')).toBe(60_000);
    expect(nginxTimeMs('soon')).toBeNaN();
  });

  it('refuses a proxy the Docker driver does not run, or a configFile for another proxy', () => {
    expect(() => resolveScenario('haproxy-keepalive', [parseOverride('driver=docker')])).toThrow(/proxy\.kind: the Docker driver runs nginx/);
    expect(() => resolveScenario('caddy-keepalive', [parseOverride('proxy.configFile=x.conf')])).toThrow(/proxy\.configFile: your own configuration file is for nginx/);
    expect(() => resolveScenario('haproxy-keepalive', [parseOverride('switches.closeAroundReload={}')])).toThrow(/switches\.closeAroundReload: works with the harness's own nginx/);
  });
});
