import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNginx } from '../../harness/stack/proxy/nginx.ts';

describe('findNginx', () => {
  it('prefers NGINX_BIN, then PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-path-'));
    writeFileSync(join(dir, 'nginx'), '');
    expect(findNginx({ NGINX_BIN: join(dir, 'nginx'), PATH: '' })).toBe(join(dir, 'nginx'));
    expect(findNginx({ PATH: dir })).toBe(join(dir, 'nginx'));
  });

  it('says how to install nginx when NGINX_BIN points nowhere', () => {
    expect(() => findNginx({ NGINX_BIN: '/nonexistent/nginx', PATH: '' })).toThrow(/npm run setup.*apt-get install nginx.*brew install nginx/);
  });
});
