// The agent image's context: the agent as plain JavaScript for Node, without tsx or node_modules:
// agent.mjs and the load thread's worker.mjs, bundled by esbuild (already here, under tsx). In the
// bundle a thread module is the .mjs beside agent.mjs (agents/bundled-threads.ts), not a TypeScript
// file booted through tsx. The sources are named by path, as images.ts names docker/ and the
// fixture: a build step reads them, nothing here imports them.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const bundledThreads: Plugin = {
  name: 'bundled-threads',
  setup(b) {
    b.onResolve({ filter: /\/threads\.ts$/ }, () => ({ path: source('../agents/bundled-threads.ts') }));
  },
};

/** Writes agent.mjs and worker.mjs into `outDir`. */
export async function bundleAgent(outDir: string): Promise<void> {
  await build({
    entryPoints: { agent: source('../agents/agent.ts'), worker: source('../load/worker.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [bundledThreads],
    legalComments: 'none',
    logLevel: 'silent',
  });
}
