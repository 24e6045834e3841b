// The two files nginx runs with — its configuration and the include a switch rewrites — whether
// the harness writes them (the seed's pattern) or adopts yours (proxy.configFile). Shared by the
// local and the Docker driver.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import type { ProxySettings } from '../../scenario/schema.ts';
import { renderNginxConf, renderUpstream, UPSTREAM_FILE, type NginxLayout } from './nginx-config.ts';
import { parseNginx } from './nginx-parse.ts';
import { adoptNginxConf, describeChanges } from './user-config.ts';

export interface NginxFiles {
  /** the configuration nginx runs with */
  conf: string;
  /** files to store beside the report besides nginx.conf and service-url.inc */
  extra: Record<string, string>;
}

export interface ConfPlace extends NginxLayout {
  /** where the user's relative includes resolve: their file's directory, or the image's /etc/nginx */
  confDir?: string;
  /** whether included files can be read here, to check them (not inside an image) */
  includesReadable: boolean;
}

export function nginxConf(settings: ProxySettings, place: ConfPlace): NginxFiles {
  if (!settings.configFile) return { conf: renderNginxConf(settings, place), extra: {} };
  const path = resolve(settings.configFile);
  const fail = (why: string): never => {
    throw new CannotMeasure(`proxy.configFile ${settings.configFile}: ${why}`);
  };
  if (!existsSync(path)) fail('no such file');
  const text = readFileSync(path, 'utf8');
  let adopted;
  try {
    adopted = adoptNginxConf(text, {
      prefix: place.prefix,
      listen: place.listen,
      upstreamFile: `${place.prefix}/${UPSTREAM_FILE}`,
      upstreamInclude: settings.upstreamInclude,
      confDir: place.confDir ?? dirname(path),
      runAsRoot: place.runAsRoot,
    });
  } catch (err) {
    return fail((err as Error).message);
  }
  if (place.includesReadable) {
    for (const file of adopted.otherIncludes.flatMap(expand)) {
      const listens = listensIn(file);
      if (listens) {
        fail(
          `it includes ${file}, whose server block listens on ${listens} by itself, where the harness cannot move it; ` +
            'give the harness the file that holds your server block instead',
        );
      }
    }
  }
  return {
    conf: adopted.conf,
    extra: { [`yours-${basename(path)}`]: text, 'nginx-changes.txt': `${describeChanges(adopted.changes)}\n` },
  };
}

/** What a switch writes into the include for `colour`. */
export function upstreamInclude(settings: ProxySettings, colour: Colour, layout: Pick<NginxLayout, 'apps'>): string {
  if (!settings.configFile) return renderUpstream(settings, colour, layout);
  const address = layout.apps[colour];
  const line = settings.upstreamTemplate
    .replaceAll('{address}', address)
    .replaceAll('{colour}', colour)
    .replaceAll('{port}', address.slice(address.lastIndexOf(':') + 1));
  return line.endsWith('\n') ? line : `${line}\n`;
}

/** An include's files: a `*` in the last part is a glob, as nginx reads it. */
function expand(pattern: string): string[] {
  if (!pattern.includes('*')) return existsSync(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const re = new RegExp(`^${basename(pattern).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).map((f) => `${dir}/${f}`) : [];
}

/** The listen addresses of the server blocks in a file, or null when it has none (or is unreadable). */
function listensIn(file: string): string | null {
  try {
    const listens = parseNginx(readFileSync(file, 'utf8')).filter((d) => d.name === 'listen');
    return listens.length ? listens.map((d) => d.args[0]).join(', ') : null;
  } catch {
    return null;
  }
}
