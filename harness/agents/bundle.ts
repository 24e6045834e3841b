// The agent as plain JavaScript for Node, without tsx or node_modules: agent.mjs and the load
// thread's worker.mjs, bundled by esbuild (already here, under tsx). In the bundle a thread module
// is the .mjs beside agent.mjs (bundled-threads.ts), not a TypeScript file booted through tsx.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const bundledThreads: Plugin = {
  name: 'bundled-threads',
  setup(b) {
    b.onResolve({ filter: /\/threads\.ts$/ }, () => ({ path: `${HERE}bundled-threads.ts` }));
  },
};

/** Writes agent.mjs and worker.mjs into `outDir`. */
export async function bundleAgent(outDir: string): Promise<void> {
  await build({
    entryPoints: { agent: `${HERE}agent.ts`, worker: fileURLToPath(new URL('../load/worker.ts', import.meta.url)) },
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
