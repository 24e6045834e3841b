// agent-bundle.ts inside the npm package (scripts/build.ts swaps it in): esbuild is not installed
// there, so the agent's bundle is the one made when the package was built, dist/agent/, copied
// to where the image build wants it. Same files, same bytes, same image inputs.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes agent.mjs and worker.mjs into `outDir`. */
export async function bundleAgent(outDir: string): Promise<void> {
  for (const file of ['agent.mjs', 'worker.mjs']) {
    await copyFile(fileURLToPath(new URL(`./agent/${file}`, import.meta.url)), join(outDir, file));
  }
}
