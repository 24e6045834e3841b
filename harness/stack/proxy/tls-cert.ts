// A certificate for 127.0.0.1 (and any other address the proxy is reached at), made fresh for each run (proxy.tls): the proxy serves it and the
// load trusts it as its only authority, so TLS is verified as a real client verifies it, with
// no switch that turns checking off. openssl's CLI, since Node can read X.509 but not issue it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CannotMeasure } from '../../errors.ts';
import { runCommand } from '../processes.ts';

export interface TlsFiles {
  cert: string;
  key: string;
  /** the certificate itself (PEM): the load's certificate authority */
  pem: string;
}

export const OPENSSL_INSTALL_HINT = 'Install it with `npm run setup`, or by hand: `sudo apt-get install openssl` (Debian/Ubuntu).';

/** Writes cert.pem and key.pem into `dir`: self-signed, P-256, valid two days, for IP 127.0.0.1 and `alsoFor`. */
export async function makeCertificate(dir: string, alsoFor: string[] = []): Promise<TlsFiles> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', `subjectAltName=${['127.0.0.1', ...alsoFor].map((ip) => `IP:${ip}`).join(',')}`, '-keyout', key, '-out', cert,
  ];
  const result = await runCommand('openssl', args).catch((err: Error & { code?: string }) => {
    if (err.code === 'ENOENT') throw new CannotMeasure(`proxy.tls needs openssl to make its certificate, and it was not found. ${OPENSSL_INSTALL_HINT}`);
    throw err;
  });
  if (result.code !== 0) throw new CannotMeasure(`openssl could not make the certificate:\n${result.stderr.trim()}`);
  return { cert, key, pem: await readFile(cert, 'utf8') };
}
