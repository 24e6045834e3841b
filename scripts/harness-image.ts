// npm run harness-image: the harness's own container image, downtime-harness, from the npm package
// (docs/INSTALL.md). No registry is needed: the base is the project's own Debian image
// (downtime-base:trixie, pulled or made with debootstrap as for every image of ours), the
// package is `npm pack` of this clone, and its runtime dependencies are installed here by npm,
// into the build context, so the image needs neither npm nor a registry of its own.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from '../harness/cli/flags.ts';
import { CannotMeasure } from '../harness/errors.ts';
import { docker, dockerOk, requireEngine } from '../harness/engine/engine.ts';
import { ensureBase } from '../harness/engine/images.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HARNESS_IMAGE = 'downtime-harness';
const SUITE = 'trixie'; // Node 20.19 (bookworm's is 18, below the package's engines)

const HARNESS_IMAGE_FLAGS = {
  tag: { type: 'string', value: '<name>', help: `the image's name (default ${HARNESS_IMAGE})` },
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run harness-image [-- --tag <name>]

Builds the harness as a container image whose entry point is the CLI: npm pack of this clone,
installed with its runtime dependencies (no optional ones: no PNG charts), on
downtime-base:${SUITE} with Debian's Node 20, nginx and curl (docker/harness.Dockerfile). Tagged
<name> and <name>:<version>; prints the image's size.

  docker run --rm --network host -v "$PWD/reports:/work/reports" ${HARNESS_IMAGE} measure --url http://127.0.0.1:8080/ --switch-cmd './deploy.sh'

Options:
${helpLines(HARNESS_IMAGE_FLAGS, 15)}

Exit codes: 0 built; 2 no Docker engine, or a step that failed (its own words).`;

/** Runs a command in `cwd`; resolves with its stdout, or CannotMeasure with its output. */
function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-8000)));
    child.on('error', (e) => reject(new CannotMeasure(`${cmd} ${args.join(' ')}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new CannotMeasure(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${(err || out).trim()}`))));
  });
}

/** Builds the image; returns its tags and size in bytes. */
export async function buildHarnessImage(tag = HARNESS_IMAGE, log: (line: string) => void = () => {}): Promise<{ tags: string[]; bytes: number }> {
  await requireEngine();
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const tmp = await mkdtemp(join(tmpdir(), 'downtime-harness-image-'));
  try {
    await ensureBase(SUITE, log);
    log('npm pack (builds dist/)');
    const [packed] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT)) as { filename: string }[];
    const app = join(tmp, 'context', 'opt', 'downtime-harness');
    await mkdir(app, { recursive: true });
    await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'downtime-harness-image', private: true })}\n`);
    log(`npm install ${packed.filename} (runtime dependencies only)`);
    await run('npm', ['install', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund', '--no-package-lock', join(tmp, packed.filename)], app);
    const tags = [tag, `${tag}:${version}`];
    log(`building ${tags.join(', ')} (docker/harness.Dockerfile)`);
    await dockerOk(
      ['build', '-q', ...tags.flatMap((t) => ['-t', t]), '--build-arg', `BASE=downtime-base:${SUITE}`, '-f', join(ROOT, 'docker', 'harness.Dockerfile'), join(tmp, 'context')],
      `building ${tag}`,
      { timeoutMs: 15 * 60_000 },
    );
    const size = await docker(['image', 'inspect', '-f', '{{.Size}}', tag]);
    return { tags, bytes: Number(size.stdout.trim()) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseCommandLine({ options: parserOptions(HARNESS_IMAGE_FLAGS) });
  if (values.help) return print(HELP);
  const { tags, bytes } = await buildHarnessImage(values.tag, (line) => process.stderr.write(`harness-image: ${line}\n`));
  return print(`harness-image: ${tags.join(', ')} ready, ${(bytes / 1e6).toFixed(0)} MB`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main().then((code) => process.exit(code), exitOnError);
