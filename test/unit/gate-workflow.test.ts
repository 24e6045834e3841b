// No GitHub runner here, so the example pipeline is checked statically: valid YAML for Actions,
// the steps the README promises, and a gate command whose flags the CLI knows.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { ROOT, WORKFLOW_TEXT, type WorkflowStep } from './ci-files.ts';
import { commandArgs } from '../command.ts';

const workflow = parse(WORKFLOW_TEXT) as {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes': number; steps: WorkflowStep[] }>;
};
// the repository's own gate; the job a team copies (your-deploy) is checked by ci-examples.test.ts
const job = workflow.jobs.gate;
const steps = job.steps;
const stepIndex = (pred: (s: WorkflowStep) => boolean) => steps.findIndex(pred);

describe('.github/workflows/downtime.yml', () => {
  it('is valid YAML with the shape GitHub Actions reads', () => {
    const doc = parseDocument(WORKFLOW_TEXT);
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(typeof workflow.name).toBe('string');
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push', 'workflow_dispatch']));
    expect(Object.keys(workflow.jobs)).toEqual(['gate', 'your-deploy']);
    expect(job['runs-on']).toMatch(/^ubuntu-/);
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    for (const s of steps) {
      expect(Boolean(s.uses) !== Boolean(s.run), JSON.stringify(s)).toBe(true); // a step either uses an action or runs
      if (s.uses) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });

  it('checks out, sets up Node 20, installs nginx and runs npm run setup before the gate', () => {
    const checkout = stepIndex((s) => s.uses?.startsWith('actions/checkout@') ?? false);
    const node = stepIndex((s) => s.uses?.startsWith('actions/setup-node@') ?? false);
    const apt = stepIndex((s) => /sudo apt-get install/.test(s.run ?? ''));
    const setup = stepIndex((s) => /^npm run setup( -- --with-docker)?$/.test((s.run ?? '').trim()));
    const gate = stepIndex((s) => /npm run gate/.test(s.run ?? ''));
    expect(checkout).toBe(0);
    expect(String(steps[node].with?.['node-version'])).toBe('20');
    expect(apt).toBeGreaterThan(node);
    expect(steps[apt].run).toContain('SYSTEM_PACKAGES.base.apt'); // the same list as npm run setup
    expect(setup).toBeGreaterThan(apt);
    expect(gate).toBeGreaterThan(setup);
  });

  it('gates the seed scenarios with flags the CLI knows, writing JUnit and Markdown', () => {
    const gate = steps.find((s) => /npm run gate/.test(s.run ?? ''))!;
    const run = gate.run!;
    expect(run).toContain('--all');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.gate).toBe('exec node --import tsx harness/cli/gate.ts');
    const help = spawnSync(process.execPath, commandArgs('harness/cli/gate.ts', ['--help']), { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const flag of run.match(/--[a-z][a-z-]*/g)!) expect(help.stdout, flag).toContain(flag);
    // --all gates exactly the scenarios that declare thresholds: the seed's two
    const list = spawnSync(process.execPath, commandArgs('harness/cli/gate.ts', ['--list']), { cwd: ROOT, encoding: 'utf8' });
    expect(list.stdout).toMatch(/keepalive-60s +minFailed=1/);
    expect(list.stdout).toMatch(/connection-close +maxFailed=0/);
    expect(run).toMatch(/--junit reports\/\S+\.xml/);
    expect(run).toMatch(/--markdown reports\/\S+\.md/);
  });

  it('uploads reports/ and publishes the JUnit file even when the gate fails', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.path).toBe('reports/');
    expect(upload.if).toMatch(/!cancelled\(\)|always\(\)/);
    const junitPath = /--junit (\S+)/.exec(steps.find((s) => /npm run gate/.test(s.run ?? ''))!.run!)![1];
    const junit = steps.find((s) => s.with?.report_paths !== undefined)!;
    expect(junit.with!.report_paths).toBe(junitPath);
    expect(junit.if).toMatch(/!cancelled\(\)|always\(\)/);
    expect(workflow.permissions.checks).toBe('write');
  });
});
