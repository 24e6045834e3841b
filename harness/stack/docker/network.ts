// A run's own Docker network, with fixed addresses for blue and green: nginx's upstream blocks
// resolve their server names when the configuration loads, when the idle colour's container
// does not exist yet, so the names are pinned to addresses (--add-host) that stay the colour's
// for the whole run, as a deployment's blue and green keep theirs.
import type { Colour } from '../../records/records.ts';
import { docker, dockerOk } from '../../engine/engine.ts';

export interface RunNetwork {
  name: string;
  subnet: string;
  /** each colour's fixed address on the network */
  ips: Record<Colour, string>;
  /** nginx's fixed address on the network, which the load reaches directly where the host routes to it */
  proxyIp: string;
}

/** The n-th address of an IPv4 subnet, e.g. ("172.18.0.0/16", 10) → "172.18.0.10". */
export function addressInSubnet(subnet: string, n: number): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (!m) throw new Error(`not an IPv4 subnet: ${subnet}`);
  const bits = Number(m[5]);
  if (bits > 28) throw new Error(`subnet ${subnet} is too small for a run`);
  const base = m.slice(1, 5).reduce((acc, part) => acc * 256 + Number(part), 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const addr = ((base & mask) >>> 0) + n;
  return [24, 16, 8, 0].map((shift) => (addr >>> shift) & 255).join('.');
}

/**
 * Docker assigns fixed addresses only on a network created with an explicit subnet, so the
 * network is made twice: once to let Docker pick a free subnet from its pools, then again with
 * that subnet named.
 */
export async function createRunNetwork(name: string, labels: string[]): Promise<RunNetwork> {
  await dockerOk(['network', 'create', ...labels, name], 'creating the run\'s Docker network');
  const subnet = await dockerOk(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', name], 'inspecting the network');
  await docker(['network', 'rm', name]);
  const v4 = subnet.split(/\s+/).find((s) => s.includes('.'));
  if (!v4) throw new Error(`Docker gave the network no IPv4 subnet (${subnet})`);
  await dockerOk(['network', 'create', '--subnet', v4, ...labels, name], `creating the Docker network ${name} on ${v4}`);
  return { name, subnet: v4, ips: { blue: addressInSubnet(v4, 10), green: addressInSubnet(v4, 11) }, proxyIp: addressInSubnet(v4, 12) };
}
