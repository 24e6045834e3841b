// npm run build (and `npm pack`, through prepack): the harness as plain JavaScript in dist/, so the
// npm package runs on Node alone, with no TypeScript loader. One esbuild pass bundles every entry
// Node starts on its own: each command, and each module run as a worker thread (the load threads,
// the delay line). Everything lands flat in dist/, so a path the code resolves from its own
// module (import.meta.url) resolves from dist/: the files it spawns or reads are copied beside it
// (fixture/app.mjs, leash.mjs, the client drivers' programs/, wrk-record.lua, chart-runtime.cjs). Packages stay imports
// (package.json "dependencies"); the build fails if the output imports anything else.
import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleAgent } from '../harness/engine/agent-bundle.ts';
import { PACKAGE_COMMANDS, parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from '../harness/cli/flags.ts';

const BUILD_FLAGS = { ...HELP_FLAG } as const satisfies Flags;

const HELP = `Usage: npm run build

Bundles the harness into dist/ as plain JavaScript for the npm package (npm pack runs it first):
each command and worker-thread module, the load agent's bundle (dist/agent/), and the files they
read at run time. Fails if dist/ imports a package that is not a runtime dependency.

Options:
${helpLines(BUILD_FLAGS, 14)}`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

// The commands the package ships (PACKAGE_COMMANDS), each harness/cli/<name>.ts → dist/<name>.mjs.

/** Modules started as worker threads (startThreadModule): each its own entry point. */
const THREADS: Record<string, string> = { worker: 'harness/load/worker.ts', 'delay-line-thread': 'harness/network/delay-line-thread.ts' };

/** Files (or folders) a module spawns or reads at run time, from its own directory: copied beside the bundle. */
const ASSETS: Record<string, string> = {
  'fixture/app.mjs': 'harness/stack/fixture/app.mjs',
  'leash.mjs': 'harness/stack/leash.mjs',
  programs: 'harness/reference/programs',
  'wrk-record.lua': 'harness/reference/wrk-record.lua',
  'chart-runtime.cjs': 'harness/report/chart-runtime.cjs',
};

/** In a bundle, threads.ts starts dist/<module>.mjs; agent-bundle.ts copies dist/agent/ instead of running esbuild. */
const swaps: Plugin = {
  name: 'package-swaps',
  setup(b) {
    b.onResolve({ filter: /\/threads\.ts$/ }, () => ({ path: join(ROOT, 'harness/agents/bundled-threads.ts') }));
    b.onResolve({ filter: /\/agent-bundle\.ts$/ }, () => ({ path: join(ROOT, 'harness/engine/prebuilt-agent-bundle.ts') }));
  },
};

const allowed = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
]);
const isBuiltin = (p: string) => p.startsWith('node:') || builtinModules.includes(p);
const packageOf = (p: string) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]);

export async function buildPackage({ quiet = false } = {}): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: {
      ...Object.fromEntries([...PACKAGE_COMMANDS].map((c) => [c, `harness/cli/${c}.ts`])),
      ...THREADS,
    },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true, // the commands share one copy of the harness (chunk-*.mjs, also in dist/)
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [swaps],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  // The agent image's own bundle (harness/engine/agent-bundle.ts, self-contained), made now, since the
  // package has no esbuild to make it when the image is built.
  await bundleAgent(join(DIST, 'agent'));
  for (const [to, from] of Object.entries(ASSETS)) {
    mkdirSync(dirname(join(DIST, to)), { recursive: true });
    cpSync(join(ROOT, from), join(DIST, to), { recursive: true });
  }

  const imports = new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  const stray = [...imports].filter((p) => !isBuiltin(p) && !allowed.has(packageOf(p)));
  if (stray.length) throw new Error(`dist/ imports packages that are not runtime dependencies: ${stray.join(', ')}`);
  if (!quiet) {
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    process.stderr.write(`build: dist/ (${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB), dist/agent/, assets; imports ${[...imports].filter((p) => !isBuiltin(p)).sort().join(', ')}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let help = false;
  try {
    help = Boolean(parseCommandLine({ options: parserOptions(BUILD_FLAGS) }).values.help);
  } catch (err) {
    exitOnError(err); // bad flags: exit 2, as every command; a failed build below throws as it is
  }
  if (help) print(HELP);
  else await buildPackage();
}
