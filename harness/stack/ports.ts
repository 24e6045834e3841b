import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { CannotMeasure } from '../errors.ts';

/**
 * Binds 127.0.0.1:port and releases it, returning the port: for a process that binds the port
 * itself (nginx, your app's PORT). A fixed port that is taken fails here, named by its field,
 * before anything has started on it. Port 0 picks a free port as holdPort does.
 */
export async function claimPort(port: number, field: string): Promise<number> {
  const server = await holdPort(port, field);
  const { port: bound } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return bound;
}

/**
 * A listening socket on 127.0.0.1:port, held until it is handed to the process that serves on
 * it (the fixture apps take it as a file descriptor), so no other process can take the port
 * between the pick and the app's start. Port 0 picks one *below* the kernel's ephemeral range:
 * the load's and nginx's outgoing connections draw from that range, and a colour's port is
 * released and bound again at every switch. A port picked here is not picked again by this
 * process soon after (blue's port is free while blue is stopped between switches).
 */
export async function holdPort(port: number, field: string): Promise<Server> {
  if (port !== 0) return listen(port, field);
  const [low] = ephemeralRange();
  const from = Math.max(1024, Math.min(20_000, low - 5000));
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = from + Math.floor(Math.random() * (low - from));
    if (picked.has(candidate)) continue;
    const server = await listen(candidate, field).catch(() => null);
    if (server !== null) {
      picked.add(candidate);
      if (picked.size > PICKED_KEPT) picked.delete(picked.values().next().value!);
      return server;
    }
  }
  return listen(0, field);
}

/** The file descriptor of a held listening socket, for a child's stdio (Unix; the handle is Node's own). */
export const listeningFd = (server: Server): number => (server as unknown as { _handle: { fd: number } })._handle.fd;

/** Ports holdPort(0) has handed out in this process, the latest PICKED_KEPT (a stack takes three). */
const picked = new Set<number>();
const PICKED_KEPT = 256;

function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 1024 && hi > lo) return [lo, hi];
  } catch {
    // not Linux: the IANA range
  }
  return [49152, 65535];
}

function listen(port: number, field: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new CannotMeasure(`${field}: cannot bind 127.0.0.1:${port} (${err.code ?? err.message})`)),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port; `what` names it otherwise. */
export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new CannotMeasure(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
