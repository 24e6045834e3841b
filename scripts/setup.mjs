// npm run setup [-- --with-browser] [--with-docker] [--with-clients]: install what the harness needs
// from outside npm (nginx, the libraries the `canvas` package compiles against, optionally
// Chromium, Docker and the real clients the client drivers run),
// then `npm ci` unless node_modules is already current, then (--with-docker) the images. Plain Node with built-ins only: it runs before there is a node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * What the harness needs from outside npm, by group: `base` always, the others behind their flag.
 * Per group: the Debian packages (installed with apt-get), the same in words (for other systems),
 * and a rough macOS check with the brew line that fixes it. Add a package here, and to
 * docker/harness.Dockerfile if the harness image needs it too.
 */
export const SYSTEM_PACKAGES = {
  base: {
    apt: [
      'nginx', // the proxy the harness drives
      'haproxy', 'caddy', // the other proxies it compares (proxy.kind)
      'openssl', // makes the certificate of proxy.tls
      'wrk', // the closed-loop reference of calibrate --cross-check, and npm run bench's yardstick
      // what `canvas` (PNG charts) compiles its native addon against; node-gyp also needs python3
      'build-essential', 'pkg-config', 'python3',
      'libcairo2-dev', 'libpango1.0-dev', 'libjpeg-dev', 'libgif-dev', 'librsvg2-dev',
    ],
    words: 'nginx (haproxy and caddy to compare), openssl, wrk, a C/C++ toolchain, pkg-config, python3, and the cairo, pango, libjpeg, giflib and librsvg headers',
    macOk: () => findNginx() !== null && run('pkg-config', ['--exists', 'cairo', 'pango']).ok,
    brew: 'brew install nginx wrk pkg-config cairo pango libpng jpeg giflib librsvg',
  },
  docker: {
    // --with-docker: the Docker driver. debootstrap makes base images where no registry answers;
    // docker-compose (v1, Debian's) runs docker/compose.yaml; kubernetes-client's kubectl checks
    // the agents' Kubernetes Job (deploy/agents-job.yaml) offline.
    apt: ['docker.io', 'debootstrap', 'docker-compose', 'kubernetes-client'],
    // An engine installed otherwise (docker-ce, Docker's own packages) must not be replaced:
    // docker.io conflicts with them.
    satisfied: () => [
      ...(onPath('docker') && onPath('dockerd', ['/usr/sbin', '/usr/bin']) ? ['docker.io'] : []),
      ...(onPath('docker-compose') || run('docker', ['compose', 'version']).ok ? ['docker-compose'] : []),
      // any kubectl will do (kubernetes-client conflicts with others, e.g. Google Cloud SDK's)
      ...(onPath('kubectl') ? ['kubernetes-client'] : []),
    ],
    words: 'a Docker engine and CLI, debootstrap (where no image registry answers), docker-compose and kubectl',
    macOk: () => onPath('docker') !== null,
    brew: 'brew install --cask docker',
  },
  clients: {
    // --with-clients: the client drivers' libraries (docs/CLIENTS.md): Debian's python3 with
    // requests, httpx and pycurl (libcurl), and Go for net/http
    apt: ['python3-requests', 'python3-httpx', 'python3-pycurl', 'golang-go'],
    words: 'python3 with requests, httpx and pycurl, and Go',
    macOk: () => run('python3', ['-c', 'import requests, httpx, pycurl']).ok && onPath('go') !== null,
    brew: 'brew install go && python3 -m pip install requests httpx pycurl',
  },
  browser: {
    apt: ['chromium'], // --with-browser: the browser tests
    words: 'chromium',
    macOk: () => onPath('chromium') !== null || existsSync('/Applications/Chromium.app'),
    brew: 'brew install --cask chromium',
  },
};

const USAGE = `Usage: npm run setup [-- --with-browser] [--with-docker] [--with-clients]

Installs what the harness needs outside npm, then runs \`npm ci\` if package-lock.json changed
since the last setup (stamp: node_modules/.setup-stamp).

  Debian/Ubuntu  apt-get installs the missing packages when run as root, otherwise prints the
                 sudo apt-get line to run: ${SYSTEM_PACKAGES.base.apt.join(' ')}
  macOS          prints the brew line to run if nginx, cairo or pango is missing
  other          says what is needed; carries on if nginx is found

Options:
  --with-browser  also ${SYSTEM_PACKAGES.browser.apt.join(' ')} (for the browser tests)
  --with-docker   also ${SYSTEM_PACKAGES.docker.apt.join(' ')}; starts the Docker engine when it
                  is not running (systemctl, or dockerd in the background without systemd), then
                  builds the Docker driver's images (npm run images)
  --with-clients  also ${SYSTEM_PACKAGES.clients.apt.join(' ')} (the client drivers of
                  calibrate --cross-check, docs/CLIENTS.md)
  -h, --help      this text

Exit codes: 0 ready; 1 something is missing that setup could not install (the message says what
to run); 2 bad arguments.`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'node_modules', '.setup-stamp');
const LOCKFILE = join(ROOT, 'package-lock.json');

/**
 * Runs a command with its output captured (shown by the caller only on failure).
 * @param {string} cmd
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`;
  return { ok: r.status === 0, output, missing: /** @type {any} */ (r.error)?.code === 'ENOENT' };
}

/** @param {string} name @param {string[]} [extra] directories to look in after PATH */
function onPath(name, extra = []) {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...extra]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Where the harness will look: NGINX_BIN, PATH, then the sbin directories users often lack. */
function findNginx() {
  if (process.env.NGINX_BIN) return existsSync(process.env.NGINX_BIN) ? process.env.NGINX_BIN : null;
  return onPath('nginx', ['/usr/sbin', '/usr/local/sbin', '/opt/homebrew/bin']);
}

/** @param {string} message @returns {never} */
function fail(message, output = '') {
  if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);
  console.error(`setup: ${message}`);
  process.exit(1);
}

/**
 * Installs the missing system packages, or says how and exits 1.
 * @param {('base' | 'docker' | 'browser' | 'clients')[]} groups
 * @returns {'present' | 'installed' | 'unchecked'}
 */
function systemPackages(groups) {
  if (process.platform === 'darwin') {
    const lines = groups.filter((g) => !SYSTEM_PACKAGES[g].macOk()).map((g) => SYSTEM_PACKAGES[g].brew);
    if (lines.length) fail(`missing system packages; run:\n${lines.join('\n')}`);
    return 'present';
  }

  const wanted = groups.flatMap((g) => {
    const group = /** @type {{ apt: string[], satisfied?: () => string[] }} */ (SYSTEM_PACKAGES[g]);
    const otherwise = group.satisfied?.() ?? [];
    return group.apt.filter((p) => !otherwise.includes(p));
  });
  if (run('dpkg-query', ['--version']).missing) {
    const words = groups.map((g) => SYSTEM_PACKAGES[g].words).join('; ');
    console.log(`setup: not a Debian system, so install these yourself: ${words} (Debian: ${wanted.join(' ')})`);
    if (!findNginx()) fail('nginx was not found on PATH; install it, or point NGINX_BIN at an nginx binary');
    return 'unchecked';
  }

  const missing = wanted.filter((p) => !run('dpkg-query', ['-W', '-f=${Status}', p]).output.includes('install ok installed'));
  if (!missing.length) return 'present';

  const root = process.getuid?.() === 0;
  if (!root || !onPath('apt-get', ['/usr/bin'])) {
    console.error(`setup: missing Debian packages: ${missing.join(' ')}; install them with:`);
    console.error(`${root ? '' : 'sudo '}apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }

  console.log(`setup: installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // A fresh VM may still be running unattended-upgrades: wait for dpkg's lock rather than fail.
  // An unreachable third-party source fails `update` but need not stop the install: keep its
  // output and show it only if the install fails too.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const update = run('apt-get', [...lock, 'update'], env);
  const install = run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', ...missing], env);
  if (!install.ok) fail(`apt-get install ${missing.join(' ')} failed (output above)`, update.output + install.output);
  return 'installed';
}

/** `npm ci`, unless node_modules was installed from this very package-lock.json. */
function npmCi() {
  if (!existsSync(LOCKFILE)) fail('package-lock.json is missing; run `npm install` to create it');
  const hash = createHash('sha256').update(readFileSync(LOCKFILE)).digest('hex');
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) return false;

  console.log('setup: npm ci');
  const ci = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (!ci.ok) fail('npm ci failed (output above)', ci.output);
  // Install-script policy notices (npm 11: "not yet covered by allowScripts") need a decision in
  // package.json#allowScripts, so they are worth showing even on success.
  const notices = ci.output.split('\n').filter((l) => l.startsWith('npm warn install-scripts'));
  if (notices.length) console.log(notices.join('\n'));
  writeFileSync(STAMP, `${hash}\n`);
  return true;
}

const engineUp = () => run('docker', ['version', '--format', '{{.Server.Version}}']).ok;

/** Starts the Docker engine if it is not answering: systemd where it runs, else dockerd itself. */
function startEngine() {
  if (engineUp()) return;
  if (process.getuid?.() !== 0) fail('the Docker engine is not running; start it (e.g. `sudo systemctl start docker`) and run setup again');
  if (existsSync('/run/systemd/system')) {
    console.log('setup: starting the Docker engine (systemctl start docker)');
    const started = run('systemctl', ['start', 'docker']);
    if (!started.ok) fail('systemctl start docker failed', started.output);
  } else {
    // No init system to own it (a container, a CI VM): dockerd runs detached from this process.
    const dockerd = onPath('dockerd', ['/usr/sbin', '/usr/bin']);
    if (!dockerd) fail('dockerd was not found; install docker.io');
    console.log('setup: starting the Docker engine (dockerd, log in /var/log/dockerd.log)');
    const child = spawn('sh', ['-c', `exec "${dockerd}" >>/var/log/dockerd.log 2>&1`], { detached: true, stdio: 'ignore' });
    child.unref();
  }
  const deadline = Date.now() + 60_000;
  while (!engineUp()) {
    if (Date.now() > deadline) fail('the Docker engine did not answer within 60 s (see /var/log/dockerd.log)');
    spawnSync('sleep', ['0.5']);
  }
}

function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { 'with-browser': { type: 'boolean' }, 'with-docker': { type: 'boolean' }, 'with-clients': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    console.error(`setup: ${/** @type {Error} */ (err).message}\n${USAGE.split('\n')[0]}  (--help for more)`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const browser = values['with-browser'] === true;
  const withDocker = values['with-docker'] === true;
  const clients = values['with-clients'] === true;
  /** @type {('base' | 'docker' | 'browser' | 'clients')[]} */
  const groups = ['base'];
  if (withDocker) groups.push('docker');
  if (browser) groups.push('browser');
  if (clients) groups.push('clients');
  const system = systemPackages(groups);
  if (!npmCi() && system !== 'installed') {
    const tools = system === 'present' ? `nginx${browser ? ', chromium' : ''}${withDocker ? ', docker' : ''}${clients ? ', the clients' : ''} and build tools present, ` : '';
    console.log(`setup: ${tools}node_modules up to date`);
  }
  if (withDocker) {
    startEngine();
    // Built with the harness's own code (needs node_modules, so after npm ci); quiet when current.
    const images = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli/images.ts'], { cwd: ROOT, stdio: 'inherit' });
    if (images.status !== 0) fail('building the Docker images failed (output above)');
  }
}

// Run only as a script, so the package lists above can be imported (e.g. by a test).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
