// The stack's images, built on this machine from the files in docker/: nginx from a Debian suite
// (the suite decides the nginx version) and the app fixture. Their base images are pulled where
// a registry answers, and otherwise made from Debian's mirror with debootstrap + `docker import`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { harnessRoot } from '../package-root.ts';
import { bundleAgent } from './agent-bundle.ts';
import { docker, dockerOk } from './engine.ts';

export const SUITES = ['bookworm', 'trixie', 'sid'] as const;
export type Suite = (typeof SUITES)[number];

/** What each suite's nginx is, as measured when the images were last built here. */
export const SUITE_NGINX: Record<Suite, string> = { bookworm: '1.22', trixie: '1.26', sid: '1.30' };

const DOCKER_DIR = join(harnessRoot(), 'docker');
/** the fixture app: harness/stack/fixture/ in a clone, dist/fixture/ in the package */
const FIXTURE_DIR = existsSync(join(harnessRoot(), 'harness/stack/fixture/app.mjs'))
  ? join(harnessRoot(), 'harness/stack/fixture')
  : join(harnessRoot(), 'dist/fixture');
const MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export const baseImage = (suite: Suite) => `downtime-base:${suite}`;
export const nginxImage = (suite: Suite) => `downtime-nginx:${suite}`;
export const appImage = (suite: Suite = 'bookworm') => `downtime-app:${suite}`;
/** The load agent (Load from several machines): trixie's Node is 20, bookworm's 18. */
export const AGENT_IMAGE = 'downtime-agent:trixie';

/** The images this project builds, by name; any other image name is the user's own. */
async function recipe(image: string): Promise<{ inputs: string; build: (log: Log) => Promise<void>; cleanup: () => Promise<void> } | null> {
  const m = /^downtime-(nginx|app|agent):([a-z]+)$/.exec(image);
  const suite = m && (SUITES as readonly string[]).includes(m[2]) ? (m[2] as Suite) : null;
  if (!m || !suite) return null;
  // The agent's context is its bundle (agent-bundle.ts), made afresh in a temp directory: the
  // bundle's bytes are its inputs, so any change to the load generator rebuilds it.
  const bundleDir = m[1] === 'agent' ? await mkdtemp(join(tmpdir(), 'downtime-agent-bundle-')) : null;
  if (bundleDir) await bundleAgent(bundleDir);
  const [dockerfile, context, files] =
    m[1] === 'nginx'
      ? ['nginx.Dockerfile', DOCKER_DIR, []]
      : bundleDir
        ? ['agent.Dockerfile', bundleDir, [join(bundleDir, 'agent.mjs'), join(bundleDir, 'worker.mjs')]]
        : ['app.Dockerfile', FIXTURE_DIR, [join(FIXTURE_DIR, 'app.mjs')]];
  const inputs = hashFiles([join(DOCKER_DIR, dockerfile), ...files]);
  return {
    inputs,
    build: async (log) => {
      await ensureBase(suite, log);
      log(`building ${image} (docker/${dockerfile})`);
      await dockerOk(
        ['build', '-q', '-t', image, '--label', `${INPUTS_LABEL}=${inputs}`, '--build-arg', `BASE=${baseImage(suite)}`, '-f', join(DOCKER_DIR, dockerfile), context],
        `building ${image}`,
        { timeoutMs: 15 * 60_000 },
      );
    },
    cleanup: async () => {
      if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    },
  };
}

export type Log = (line: string) => void;

/** Our images carry the hash of the files they were built from, so an edited fixture is rebuilt. */
const INPUTS_LABEL = 'downtime-harness.inputs';

const hashFiles = (paths: string[]) => {
  const hash = createHash('sha256');
  for (const p of paths) hash.update(readFileSync(p));
  return hash.digest('hex').slice(0, 16);
};

/**
 * Makes sure `image` is there: one of ours is built when missing or built from other files (or
 * always, with `rebuild`); anyone else's is left to Docker (pulled at `docker run` where a
 * registry answers). Returns whether it built.
 */
export async function ensureImage(image: string, log: Log, rebuild = false): Promise<boolean> {
  const ours = await recipe(image);
  if (!ours) return false;
  const built = await docker(['image', 'inspect', '-f', `{{index .Config.Labels "${INPUTS_LABEL}"}}`, image], { timeoutMs: 20_000 });
  try {
    if (!rebuild && built.code === 0 && built.stdout.trim() === ours.inputs) return false;
    await ours.build(log);
    return true;
  } finally {
    await ours.cleanup();
  }
}

/** One base per suite even when several images wait for it at once. */
const bases = new Map<Suite, Promise<void>>();
export const ensureBase = (suite: Suite, log: Log): Promise<void> => {
  if (!bases.has(suite)) bases.set(suite, makeBase(suite, log).finally(() => bases.delete(suite)));
  return bases.get(suite)!;
};

/** The suite's base: debian:<suite>-slim where it can be pulled, else debootstrap + import. */
async function makeBase(suite: Suite, log: Log): Promise<void> {
  const base = baseImage(suite);
  if ((await docker(['image', 'inspect', base], { timeoutMs: 20_000 })).code === 0) return;
  const pulled = await docker(['pull', '-q', `debian:${suite}-slim`], { timeoutMs: 5 * 60_000 });
  if (pulled.code === 0) {
    await dockerOk(['tag', `debian:${suite}-slim`, base], `tagging ${base}`);
    return;
  }
  log(`no registry answered (${pulled.stderr.trim().split('\n')[0]}); making ${base} with debootstrap from ${MIRROR}`);
  const dir = await mkdtemp(join(tmpdir(), `downtime-debootstrap-${suite}-`));
  try {
    await runOrExplain('debootstrap', ['--variant=minbase', suite, join(dir, 'root'), MIRROR], `debootstrap ${suite}`);
    // The downloaded .debs would add ~100 MB to every image built on it.
    await rm(join(dir, 'root/var/cache/apt/archives'), { recursive: true, force: true });
    await runOrExplain('sh', ['-c', `tar -C "${join(dir, 'root')}" -c . | docker import - ${base}`], `importing ${base}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runOrExplain(cmd: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', (err) =>
      reject(
        new CannotMeasure(
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${what}: ${cmd} is not installed (Debian: apt-get install ${cmd}; \`npm run setup -- --with-docker\` does it)`
            : `${what}: ${err.message}`,
        ),
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CannotMeasure(`${what} failed (exit ${code}):\n${stderr.trim()}`))));
  });
}
