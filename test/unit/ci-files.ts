// Reading examples/ci/Jenkinsfile without Jenkins: its blocks, its `sh` steps and its environment
// (test/unit/ci-examples.test.ts checks the file; test/engines/package.test.ts runs its steps).

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

