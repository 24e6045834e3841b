// Runs one command (nginx in the foreground) on a leash held by the harness: its stdin is a pipe
// from the harness, and the kernel closes that pipe however the harness ends, SIGKILL included.
// Then the command's whole process group (nginx's master and workers) is stopped and its temp
// directory removed, so nothing outlives the harness. nginx itself does not do this: its workers
// keep serving (and holding the port) after their master is killed.
// Plain JavaScript: no loader, so it starts in ~40 ms. Type-checked by tsc (checkJs).
//
//   node leash.mjs [--remove DIR] -- command args...
//
// Prints one JSON line {"pid":<command's pid>} once started; exits as the command exits.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const removeAt = argv.indexOf('--remove');
const remove = removeAt >= 0 && removeAt < sep ? argv[removeAt + 1] : null;
const [command, ...args] = argv.slice(sep + 1);

// Same process group as the leash (the harness starts the leash as a group leader), so one
// signal to the group reaches every process of the command.
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.once('error', (err) => {
  process.stderr.write(`${command}: ${err.message}\n`);
  process.exit(127);
});
child.once('spawn', () => process.stdout.write(`${JSON.stringify({ pid: child.pid })}\n`));
// When the command ends, whatever it left in the group ends too (nginx workers whose master was
// killed keep running otherwise); the leash's own SIGTERM handler makes this harmless to it.
child.once('exit', (code, signal) => {
  process.kill(-process.pid, 'SIGTERM');
  process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
});

for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT', 'SIGHUP'])) {
  process.on(signal, () => child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal));
}

// The harness is gone: stop the command (SIGTERM lets nginx's master take its workers down),
// and if it lingers, SIGKILL the whole group; then remove what it wrote.
let orphaned = false;
const onOrphaned = () => {
  if (orphaned) return;
  orphaned = true;
  child.removeAllListeners('exit');
  const done = () => {
    if (remove) rmSync(remove, { recursive: true, force: true });
    process.kill(-process.pid, 'SIGKILL');
  };
  if (child.exitCode !== null || child.signalCode !== null) return done();
  child.once('exit', done);
  child.kill('SIGTERM');
  setTimeout(done, 2000);
};
process.stdin.on('end', onOrphaned);
process.stdin.on('error', onOrphaned);
process.stdin.resume();
