// Your own nginx.conf: read as nginx reads it, and changed only where the harness must be.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptNginxConf, parseNginx, type OwnedParts } from '../../harness/stack/proxy/nginx-user-config.ts';

const ROOT = join(import.meta.dirname, '../..');
const own: OwnedParts = {
  prefix: '/tmp/run',
  listen: '127.0.0.1:8080',
  upstreamFile: '/tmp/run/conf.d/service-url.inc',
  upstreamInclude: 'service-url.inc',
  confDir: '/home/me/nginx',
  runAsRoot: false,
};

describe('nginx configuration reader', () => {
  it('reads directives, blocks, quotes, comments and ${var}', () => {
    const ds = parseNginx('http { # c\n  log_format x "a ; {b}" \'c\';\n  server { set ${a}b 1; }\n}\n');
    expect(ds.map((d) => [d.name, d.context.join('/'), d.line])).toEqual([
      ['http', '', 1],
      ['log_format', 'http', 2],
      ['server', 'http', 3],
      ['set', 'http/server', 3],
    ]);
    expect(ds[1].args).toEqual(['x', 'a ; {b}', 'c']);
    expect(ds[3].args).toEqual(['${a}b', '1']);
  });

  it('says what is wrong with a broken file, and where', () => {
    expect(() => parseNginx('http {\n server {\n')).toThrow(/"server" block from line 2 is not closed/);
    expect(() => parseNginx('listen 80\n}')).toThrow(/lacks a ";"/);
    expect(() => parseNginx('a "b;')).toThrow(/unclosed quote from line 1/);
  });
});

describe('adopting your nginx.conf', () => {
  it('a server block alone: wrapped, its listens and include taken over, each change listed', () => {
    const { conf, changes } = adoptNginxConf(readFileSync(join(ROOT, 'examples/seed-server.conf'), 'utf8'), own);
    const ds = parseNginx(conf);
    expect(ds.filter((d) => d.name === 'listen').map((d) => d.args)).toEqual([['127.0.0.1:8080']]);
    expect(ds.find((d) => d.name === 'include')!.args).toEqual(['/tmp/run/conf.d/service-url.inc']);
    expect(ds.find((d) => d.name === 'server')!.context).toEqual(['http']);
    expect(ds.find((d) => d.name === 'daemon')!.args).toEqual(['off']);
    expect(ds.find((d) => d.name === 'proxy_temp_path')!.args).toEqual(['/tmp/run/temp/proxy']);
    expect(conf).toContain('proxy_set_header X-Real-IP $remote_addr;'); // the rest as written
    expect(changes.filter((c) => c.line).map((c) => [c.line, c.before, c.after])).toEqual([
      [4, 'listen 80;', 'listen 127.0.0.1:8080;'],
      [5, 'listen [::]:80;', '(removed)'],
      [6, 'include /etc/nginx/conf.d/service-url.inc;', 'include /tmp/run/conf.d/service-url.inc;'],
    ]);
  });

  it('a whole nginx.conf: pid, logs, user, temp paths and relative includes taken over', () => {
    const text = [
      'user www-data;',
      'pid /run/nginx.pid;',
      'daemon on;',
      'events { worker_connections 768; }',
      'http {',
      '  include mime.types;',
      '  access_log /var/log/nginx/access.log combined;',
      '  proxy_temp_path /var/lib/nginx/proxy;',
      '  keepalive_timeout 3s;',
      '  server { listen 80 default_server; include conf.d/service-url.inc; location / { proxy_pass $service_url; } }',
      '}',
    ].join('\n');
    const { conf, otherIncludes } = adoptNginxConf(text, own);
    const ds = parseNginx(conf);
    const args = (name: string) => ds.filter((d) => d.name === name).map((d) => d.args.join(' '));
    expect(args('user')).toEqual([]);
    expect(args('pid')).toEqual(['/tmp/run/nginx.pid']);
    expect(args('daemon')).toEqual(['off']);
    expect(args('include')).toEqual(['/home/me/nginx/mime.types', '/tmp/run/conf.d/service-url.inc']);
    expect(args('access_log')).toEqual(['/tmp/run/logs/access.log combined']);
    expect(args('proxy_temp_path')).toEqual(['/tmp/run/temp/proxy']);
    expect(args('listen')).toEqual(['127.0.0.1:8080 default_server']);
    expect(args('keepalive_timeout')).toEqual(['3s']);
    expect(args('worker_connections')).toEqual(['768']);
    expect(otherIncludes).toEqual(['/home/me/nginx/mime.types']);
    expect(adoptNginxConf(text, { ...own, runAsRoot: true }).conf).toMatch(/^user www-data;$/m);
  });

  it('refuses what it cannot take over, saying why', () => {
    expect(() => adoptNginxConf('server { listen 80; location / { return 200; } }', own)).toThrow(
      /includes no file named service-url\.inc.*proxy\.upstreamInclude/,
    );
    expect(() => adoptNginxConf('server { listen 443 ssl; include service-url.inc; }', own)).toThrow(/line 1: .*TLS listeners are not supported/);
    expect(() => adoptNginxConf('events {}', own)).toThrow(/neither an http block nor a server block/);
    expect(() => adoptNginxConf('server {', own)).toThrow(/cannot read it: .*not closed/);
  });

  it('gives a server without a listen the harness\'s address', () => {
    const { conf } = adoptNginxConf('server { include /x/service-url.inc; }', own);
    expect(parseNginx(conf).filter((d) => d.name === 'listen').map((d) => d.args)).toEqual([['127.0.0.1:8080']]);
  });
});
