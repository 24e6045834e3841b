// PNG charts (for CI artifacts and Markdown summaries): the same specs as report.html, drawn by
// Chart.js on node-canvas through chartjs-node-canvas. `canvas` is a native addon built from
// source against Debian's cairo/pango headers (scripts/setup.mjs installs them); if it cannot
// load, the PNGs are skipped with a reason and the rest of the report is still written.
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../files.ts';
import { join } from 'node:path';
import type { ChartSpec } from './charts.ts';
import { RUNTIME } from './page.ts';

export const PNG_SIZE = { timeline: { width: 1600, height: 600 }, zoom: { width: 1200, height: 500 }, latency: { width: 1200, height: 600 } } as const;

interface Runtime {
  hydrate(spec: ChartSpec, target: 'html' | 'png'): Record<string, unknown>;
}

type Renderer = { renderToBuffer(config: unknown, mimeType?: 'image/png'): Promise<Buffer> };

const renderers = new Map<string, Renderer>();

/** Why PNGs cannot be drawn here, or null when they can. */
export async function pngUnavailable(): Promise<string | null> {
  try {
    await import('chartjs-node-canvas');
    return null;
  } catch (err) {
    return `PNG charts skipped: chartjs-node-canvas/canvas did not load (${(err as Error).message.split('\n')[0]}); run \`npm run setup\` (installed package: docs/INSTALL.md)`;
  }
}

async function renderer(width: number, height: number): Promise<Renderer> {
  const key = `${width}x${height}`;
  let r = renderers.get(key);
  if (!r) {
    const { ChartJSNodeCanvas } = await import('chartjs-node-canvas');
    r = new ChartJSNodeCanvas({ width, height, backgroundColour: 'white' }) as unknown as Renderer;
    renderers.set(key, r);
  }
  return r;
}

/** One chart spec as PNG bytes. */
export async function renderPng(spec: ChartSpec, size: { width: number; height: number }): Promise<Buffer> {
  const runtime = createRequire(import.meta.url)(RUNTIME) as Runtime;
  return (await renderer(size.width, size.height)).renderToBuffer(runtime.hydrate(spec, 'png'), 'image/png');
}

/** Writes each named chart to dir/<name>.png; returns the file names written. */
export async function writePngs(dir: string, charts: { name: string; spec: ChartSpec; size: { width: number; height: number } }[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const c of charts) {
    await writeFileAtomic(join(dir, `${c.name}.png`), await renderPng(c.spec, c.size));
    written.push(`${c.name}.png`);
  }
  return written;
}
