// npm run images -- [options]: build (or list) the Docker driver's images.
import { CannotMeasure } from '../errors.ts';
import { docker, requireEngine } from '../engine/engine.ts';
import { AGENT_IMAGE, appImage, ensureImage, nginxImage, SUITES, type Suite } from '../engine/images.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from './flags.ts';

const IMAGES_FLAGS = {
  suite: { type: 'string', value: '<a,b>', help: "only these suites' nginx images (default: all)" },
  rebuild: { type: 'boolean', help: 'build even when up to date' },
  list: { type: 'boolean', help: 'show the images and their nginx versions, build nothing' },
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run images -- [options]

Builds the images the Docker driver runs (--driver docker), from the files in docker/:
  downtime-nginx:<suite>   nginx from a Debian suite: ${SUITES.join(', ')}
  downtime-app:bookworm    the blue/green app fixture on Debian's Node
  ${AGENT_IMAGE}    the load agent for --agents (harness/agents, bundled with esbuild)
Each is built only when it is missing or its files changed. Base images are pulled
(debian:<suite>-slim) where a registry answers, otherwise made with debootstrap from Debian's
mirror (DEBIAN_MIRROR, default http://deb.debian.org/debian; needs root and debootstrap).

Options:
${helpLines(IMAGES_FLAGS, 16)}

Exit codes: 0 ready; 2 no Docker engine, an unknown suite, or a build that failed (Docker's words).`;

async function main(): Promise<number> {
  const { values } = parseCommandLine({ options: parserOptions(IMAGES_FLAGS) });
  if (values.help) return print(HELP);
  const suites = (values.suite?.split(',').map((s) => s.trim()) ?? [...SUITES]) as Suite[];
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length) throw new CannotMeasure(`--suite ${unknown.join(',')}: unknown suite; known: ${SUITES.join(', ')}`);
  await requireEngine();
  const images = [...suites.map(nginxImage), appImage(), AGENT_IMAGE];
  if (values.list) {
    for (const image of images) {
      const cmd = image.startsWith('downtime-nginx') ? ['nginx', '-v'] : ['--version']; // node's, for the app and the agent
      const r = await docker(['run', '--rm', ...(cmd[0] === 'nginx' ? [] : ['--entrypoint', 'node']), image, ...cmd]);
      print(`${image.padEnd(24)} ${r.code === 0 ? `${r.stdout}${r.stderr}`.trim().replace('nginx version: ', '') : 'not built'}`);
    }
    return 0;
  }
  const log = (line: string) => process.stderr.write(`images: ${line}\n`);
  const built = await Promise.all(images.map((image) => ensureImage(image, log, values.rebuild)));
  print(`images: ${images.map((image, i) => `${image}${built[i] ? ' (built)' : ''}`).join(', ')} ready`);
  return 0;
}

main().then((code) => process.exit(code), exitOnError);
