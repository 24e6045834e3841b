// Reading the CI files a team copies without a runner: .github/workflows/downtime.yml as text and
// the shape of its steps, and examples/ci/Jenkinsfile's blocks, `sh` steps and environment
// (test/unit/ci-examples.test.ts and gate-workflow.test.ts check them; test/engines/package.test.ts
// runs their steps).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The example workflow, as written. */
export const WORKFLOW_TEXT = readFileSync(join(ROOT, '.github/workflows/downtime.yml'), 'utf8');

/** One step of a GitHub Actions job, as far as the tests read it. */
export interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** Each `sh '…'` of a Jenkinsfile block, in order. */
export const shSteps = (groovy: string) => [...groovy.matchAll(/^\s*sh '([^']*)'/gm)].map((m) => m[1]);
/** The body of the block that opens at `start` (the index of its `{`). */
function blockAt(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start + 1, i);
  }
  throw new Error(`unclosed block at ${start}`);
}
/** `name { … }` (or `stage('name') { … }`) inside `text`. */
export function block(text: string, head: string): string {
  const at = text.indexOf(head);
  if (at < 0) throw new Error(`no ${head}`);
  return blockAt(text, text.indexOf('{', at));
}
/** The Jenkinsfile's environment block as name → value. */
export const jenkinsEnv = (groovy: string) =>
  Object.fromEntries([...block(groovy, 'environment').matchAll(/^\s*(\w+) = '([^']*)'/gm)].map((m) => [m[1], m[2]]));

