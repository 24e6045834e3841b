import { createServer } from 'node:net';
import { CannotMeasure } from '../errors.ts';

/**
 * Binds 127.0.0.1:port (0 = any free port) and releases it, returning the port. A fixed port
 * that is taken fails here, named by its field, before anything has started on it.
 */
export function claimPort(port: number, field: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new CannotMeasure(`${field}: cannot bind 127.0.0.1:${port} (${err.code ?? err.message})`)),
    );
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}
