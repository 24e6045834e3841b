// The Docker driver's pure parts: addresses in a run's subnet, owners of leftover runs, and the
// nginx configuration it renders for a container.
import { describe, expect, it } from 'vitest';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';
import { ownerAlive, ownerMark } from '../../harness/engine/engine.ts';
import { addressInSubnet } from '../../harness/stack/docker/network.ts';
import { renderNginxConf, renderUpstream } from '../../harness/stack/proxy/nginx-config.ts';

describe('Docker driver parts', () => {
  it('pins the colours to fixed addresses inside the run\'s subnet', () => {
    expect(addressInSubnet('172.18.0.0/16', 10)).toBe('172.18.0.10');
    expect(addressInSubnet('192.168.32.0/20', 11)).toBe('192.168.32.11');
    expect(addressInSubnet('10.1.2.128/25', 10)).toBe('10.1.2.138');
    expect(() => addressInSubnet('172.18.0.0/30', 10)).toThrow(/too small/);
    expect(() => addressInSubnet('fd00::/64', 10)).toThrow(/not an IPv4 subnet/);
  });

  it('tells a live owner from a dead or reused pid', () => {
    expect(ownerAlive(ownerMark())).toBe(true);
    expect(ownerAlive(`${process.pid}:1`)).toBe(false); // same pid, another start time: reused
    expect(ownerAlive('999999999:5')).toBe(false);
    expect(ownerAlive('')).toBe(false);
  });

  it('renders the container layout: colours by name, a resolver only for the literal form', () => {
    const layout = { prefix: '/downtime', listen: '80', apps: { blue: 'blue:8080', green: 'green:8080' }, runAsRoot: true };
    const kmt = resolveScenario('keepalive-min-timeout').proxy;
    const conf = renderNginxConf(kmt, layout);
    expect(conf).toContain('listen 80;');
    expect(conf).toMatch(/upstream green \{\s+server green:8080;/);
    expect(conf).toContain('keepalive_min_timeout 1s;');
    expect(conf).not.toContain('resolver');
    const literal = resolveScenario('keepalive-60s', [parseOverride('proxy.upstreamKeepalive=0')]).proxy;
    expect(renderNginxConf(literal, { ...layout, resolver: '127.0.0.11' })).toContain('resolver 127.0.0.11 valid=1s ipv6=off;');
    expect(renderUpstream(literal, 'green', layout)).toBe('set $service_url http://green:8080;\n');
  });

  it('the keepalive-min-timeout scenario names the Docker driver and the sid image', () => {
    const s = resolveScenario('keepalive-min-timeout');
    expect(s.driver).toBe('docker');
    expect(s.proxy.image).toBe('downtime-nginx:sid');
    expect(s.expect.maxFailed).toEqual({ limit: 0 });
    expect(resolveScenario('keepalive-60s', [parseOverride('driver=docker')]).driver).toBe('docker');
    expect(() => resolveScenario('keepalive-60s', [parseOverride('driver=kubernetes')])).toThrow(/driver: expected one of local, docker/);
  });
});
