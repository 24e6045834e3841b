import { describe, expect, it } from 'vitest';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';
import { http2Syntax, renderNginxConf, renderUpstream } from '../../harness/stack/proxy/nginx-config.ts';

const layout = { prefix: '/tmp/run', listen: '127.0.0.1:8080', apps: { blue: '127.0.0.1:9001', green: '127.0.0.1:9002' }, runAsRoot: false };
const proxyOf = (name: string, ...sets: string[]) => resolveScenario(name, sets.map(parseOverride)).proxy;

describe('nginx config', () => {
  it('follows the seed: the server block includes the file a switch rewrites', () => {
    const conf = renderNginxConf(proxyOf('keepalive-60s'), layout);
    expect(conf).toContain('listen 127.0.0.1:8080;');
    expect(conf).toContain('include /tmp/run/conf.d/service-url.inc;');
    expect(conf).toContain('proxy_pass $service_url;');
    expect(conf).toContain('proxy_set_header Host $http_host;');
    expect(conf).toContain('keepalive_timeout 60s;');
    expect(conf).toContain('pid /tmp/run/nginx.pid;');
    expect(conf).not.toContain('Connection "close"');
    expect(conf).not.toContain('worker_shutdown_timeout');
    expect(conf).not.toMatch(/^user /m);
  });

  it('keeps upstream connections alive through named upstreams by default', () => {
    const p = proxyOf('keepalive-60s');
    const conf = renderNginxConf(p, layout);
    expect(conf).toMatch(/upstream green \{\s+server 127\.0\.0\.1:9002;\s+keepalive 32;/);
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(renderUpstream(p, 'green', layout)).toBe('set $service_url http://green;\n');
  });

  it('renders the seed\'s literal upstream when upstream keep-alive is off', () => {
    const p = proxyOf('keepalive-60s', 'proxy.upstreamKeepalive=0');
    expect(renderNginxConf(p, layout)).not.toContain('upstream ');
    expect(renderUpstream(p, 'blue', layout)).toBe('set $service_url http://127.0.0.1:9001;\n');
  });

  it('renders the seed\'s fix and tuning', () => {
    expect(renderNginxConf(proxyOf('connection-close'), layout)).toContain('add_header Connection "close";');
    const tuned = renderNginxConf(proxyOf('tuned-3s-1s'), layout);
    expect(tuned).toContain('keepalive_timeout 3s;');
    expect(tuned).toContain('worker_shutdown_timeout 1s;');
    expect(renderNginxConf(proxyOf('workers-4'), layout)).toContain('worker_processes 4;');
    expect(renderNginxConf(proxyOf('keepalive-60s'), { ...layout, runAsRoot: true })).toMatch(/^user root;$/m);
  });

  it('closes connections while the flag file exists, only when asked to', () => {
    const p = proxyOf('close-around-reload');
    expect(renderNginxConf(p, { ...layout, closeFlag: '/tmp/run/closing' })).toMatch(/location \/ \{[\s\S]*if \(-f \/tmp\/run\/closing\) \{\s+add_header Connection "close";\s+\}/);
    expect(renderNginxConf(p, layout)).not.toContain('if (-f');
  });

  it('places raw directives where they were asked for', () => {
    const p = proxyOf('keepalive-60s', 'proxy.extraHttp=["server_tokens off;"]', 'proxy.extraLocation=["add_header X-A 1;"]');
    const conf = renderNginxConf(p, layout);
    expect(conf.indexOf('server_tokens off;')).toBeLessThan(conf.indexOf('server {'));
    expect(conf.indexOf('add_header X-A 1;')).toBeGreaterThan(conf.indexOf('location / {'));
  });

  it('serves TLS with HTTP/2 offered, in the syntax of the nginx version', () => {
    expect(http2Syntax('nginx/1.22.1')).toBe('listen');
    expect(http2Syntax('nginx/1.25.0')).toBe('listen');
    expect(http2Syntax('nginx/1.25.1')).toBe('directive');
    expect(http2Syntax('nginx/1.30.6')).toBe('directive');
    const tls = (http2: 'listen' | 'directive') => renderNginxConf(proxyOf('tls-keepalive'), { ...layout, tls: { cert: '/tmp/run/cert.pem', key: '/tmp/run/key.pem', http2 } });
    expect(tls('listen')).toContain('listen 127.0.0.1:8080 ssl http2;');
    expect(tls('listen')).not.toContain('http2 on;');
    expect(tls('directive')).toMatch(/listen 127\.0\.0\.1:8080 ssl;\n\s+http2 on;/);
    expect(tls('directive')).toContain('ssl_certificate /tmp/run/cert.pem;');
    expect(tls('directive')).toContain('ssl_certificate_key /tmp/run/key.pem;');
    expect(renderNginxConf(proxyOf('keepalive-60s'), layout)).not.toContain('ssl');
  });
});
