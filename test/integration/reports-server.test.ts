// npm run reports serves this machine only: its own directory (no symlink out of it), its own
// host names (no DNS rebinding), and errors a browser shows as text.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import { commandArgs } from '../command.ts';

let dir: string;
let secret: string;
let server: ChildProcess;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'downtime-reports-server-'));
  secret = mkdtempSync(join(tmpdir(), 'downtime-reports-secret-'));
  writeFileSync(join(secret, 'secret.txt'), 'not for the web\n');
  mkdirSync(join(dir, 'run-1'));
  writeFileSync(join(dir, 'run-1', 'summary.txt'), 'a run\n');
  symlinkSync(join(secret, 'secret.txt'), join(dir, 'run-1', 'leak.txt'));
  symlinkSync(secret, join(dir, 'outside'));
  server = spawn(process.execPath, commandArgs('harness/cli/reports.ts', ['--dir', dir, '--port', '0']), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`reports exited ${code}`)));
  });
});

afterAll(() => {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(secret, { recursive: true, force: true });
});

function get(path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('npm run reports', () => {
  it('serves its own files to its own host names', async () => {
    expect((await get('/run-1/summary.txt')).body).toBe('a run\n');
    expect((await get('/run-1/summary.txt', `localhost:${port}`)).status).toBe(200);
  });

  it('refuses another Host header (a page elsewhere rebinding its name to 127.0.0.1)', async () => {
    const r = await get('/run-1/summary.txt', `attacker.example:${port}`);
    expect(r.status).toBe(403);
    expect(r.type).toContain('text/plain');
  });

  it('does not follow symlinks out of its directory', async () => {
    for (const path of ['/run-1/leak.txt', '/outside/secret.txt']) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('not for the web');
    }
  });

  it('answers a failure with a text/plain 500', async () => {
    rmSync(join(dir, 'index.html'), { force: true });
    mkdirSync(join(dir, 'index.html')); // the index cannot be rewritten over a directory
    try {
      const r = await get('/');
      expect(r.status).toBe(500);
      expect(r.type).toBe('text/plain; charset=utf-8');
    } finally {
      rmSync(join(dir, 'index.html'), { recursive: true, force: true });
    }
  });
});
