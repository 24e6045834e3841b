// The CI jobs a team copies (docs/INSTALL.md): the `your-deploy` job of .github/workflows/downtime.yml
// and examples/ci/Jenkinsfile. Checked here without a runner: both parse, each does its steps in
// the order that matters (install, staging, gate, then publish whatever the gate did), publishes
// the JUnit file the gate writes and the reports, and runs a gate command whose flags the CLI
// knows. test/engines/package.test.ts runs their commands, as written, against a local stack.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { block, jenkinsEnv, ROOT, shSteps, WORKFLOW_TEXT, type WorkflowStep } from './ci-files.ts';

const workflowDoc = parseDocument(WORKFLOW_TEXT);
const job = (workflowDoc.toJS() as { jobs: Record<string, { env: Record<string, string>; steps: WorkflowStep[] }> }).jobs['your-deploy'];

const jenkinsfile = readFileSync(join(ROOT, 'examples/ci/Jenkinsfile'), 'utf8');

const help = spawnSync(process.execPath, ['bin/downtime-harness.mjs', 'gate', '--help'], { cwd: ROOT, encoding: 'utf8' }).stdout;
const flagsOf = (command: string) => command.match(/(?<=\s)--[a-z][a-z-]*/g) ?? [];

describe('the GitHub Actions job a team copies (downtime.yml, your-deploy)', () => {
  const steps = job.steps;
  const index = (name: string) => steps.findIndex((s) => s.name === name);

  it('parses, and installs the package from its tarball into a project of its own before the gate', () => {
    expect(workflowDoc.errors).toEqual([]);
    expect(steps[0].uses).toMatch(/^actions\/checkout@v\d+$/);
    expect(String(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'])).toBe('20');
    const install = steps[index('Install the harness')].run!;
    expect(install).toMatch(/npm install [^\n]*downtime-harness-\*\.tgz/);
    expect(install).toContain('npx downtime-harness --version');
    expect(index('Pack the harness')).toBeLessThan(index('Install the harness'));
    expect(index('Install the harness')).toBeLessThan(index('Start the stand-in staging'));
    expect(index('Start the stand-in staging')).toBeLessThan(index('Downtime gate'));
  });

  it('gates its own URL and deploy command, with flags gate --help documents', () => {
    const gate = steps[index('Downtime gate')].run!;
    expect(gate).toContain('npx downtime-harness gate');
    expect(gate).toContain('--url "$STAGING_URL"');
    expect(gate).toContain('--switch-cmd "$DEPLOY_CMD"');
    expect(gate).toMatch(/--max-failed 0/);
    for (const flag of flagsOf(gate)) expect(help, flag).toContain(flag);
    expect(Object.keys(job.env)).toEqual(expect.arrayContaining(['STAGING_URL', 'DEPLOY_CMD']));
  });

  it('stops the staging and publishes JUnit and the reports whether the gate passed or not', () => {
    expect(steps[index('Stop the stand-in staging')].if).toMatch(/always\(\)/);
    const junitPath = /--junit (\S+)/.exec(steps[index('Downtime gate')].run!)![1];
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    const junit = steps.find((s) => s.with?.report_paths !== undefined)!;
    expect(upload.if).toMatch(/!cancelled\(\)|always\(\)/);
    expect(junit.if).toMatch(/!cancelled\(\)|always\(\)/);
    // the gate runs in $RUNNER_TEMP/gate, so the published paths are under it
    expect(upload.with!.path).toBe('${{ runner.temp }}/gate/reports/');
    expect(junit.with!.report_paths).toBe(`\${{ runner.temp }}/gate/${junitPath}`);
    for (const s of steps.slice(index('Downtime gate') + 1)) expect(s.if, s.name).toBeDefined(); // nothing after the gate is skipped by its failure
    expect(index('Index the reports')).toBeLessThan(steps.indexOf(upload));
  });
});

describe('the Jenkins pipeline a team copies (examples/ci/Jenkinsfile)', () => {
  it('parses as a declarative pipeline: balanced, with agent, environment, stages and post', () => {
    const code = jenkinsfile.replace(/^\s*\/\/.*$/gm, '').replace(/'[^'\n]*'/g, "''");
    const count = (c: string) => code.split(c).length - 1;
    expect(count('{')).toBe(count('}'));
    expect(count('(')).toBe(count(')'));
    expect(count('[')).toBe(count(']'));
    const pipeline = block(jenkinsfile, 'pipeline');
    for (const section of ['agent any', 'environment {', 'stages {', 'post {']) expect(pipeline).toContain(section);
    const stages = [...block(pipeline, 'stages').matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1]);
    expect(stages).toEqual(['Install the harness', 'Start the stand-in staging', 'Downtime gate']);
    for (const stage of stages) expect(block(pipeline, `stage('${stage}')`)).toMatch(/steps \{/);
  });

  it('installs the package, gates its own URL and deploy command with flags gate --help documents, as the GitHub job does', () => {
    const install = shSteps(block(jenkinsfile, "stage('Install the harness')"));
    expect(install).toEqual(['npm install --no-save --no-audit --no-fund "$HARNESS_PACKAGE"', 'npx downtime-harness --version']);
    const [gate] = shSteps(block(jenkinsfile, "stage('Downtime gate')"));
    for (const flag of flagsOf(gate)) expect(help, flag).toContain(flag);
    const github = job.steps.find((s) => s.name === 'Downtime gate')!.run!;
    expect(flagsOf(gate)).toEqual(flagsOf(github));
    // every variable its steps use is set in its environment block (or by Jenkins)
    const env = jenkinsEnv(jenkinsfile);
    for (const v of shSteps(jenkinsfile).flatMap((s) => [...s.matchAll(/\$(\w+)/g)].map((m) => m[1]))) expect(Object.keys(env), v).toContain(v);
    expect(env.HARNESS_PACKAGE).toMatch(/^downtime-harness-[\d.]+\.tgz$/);
  });

  it('publishes the JUnit file the gate writes and the HTML report in post/always, so a failed gate still shows why', () => {
    const always = block(block(jenkinsfile, 'post'), 'always');
    const junitPath = /--junit (\S+)/.exec(shSteps(block(jenkinsfile, "stage('Downtime gate')"))[0])![1];
    expect(always).toContain(`junit testResults: '${junitPath}'`);
    expect(always).toMatch(/publishHTML\(target: \[reportDir: 'reports', reportFiles: 'index.html'/);
    expect(shSteps(always)).toEqual(['examples/ci/staging.sh down || true', 'npx downtime-harness reports --index-only || true']);
    expect(always.indexOf('reports --index-only')).toBeLessThan(always.indexOf('publishHTML'));
  });
});

describe('examples/ci/staging.sh', () => {
  it('is executable and says how to use it', () => {
    const file = join(ROOT, 'examples/ci/staging.sh');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o111).not.toBe(0);
    const r = spawnSync(file, [], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('up|deploy|down');
  });
});
