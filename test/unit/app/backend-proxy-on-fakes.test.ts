/**
 * The preview proxy on a backend that runs it itself (`StackBackend.proxy`, the Swarm backend's
 * service): `up --proxy` hands it the routes' Caddyfile and the routed stacks' networks, `down`
 * has it let go of the stack's networks before they are removed and removes it with its last
 * stack, and nothing is asked of the engine's containers. A memory engine stands in for the
 * cluster, a recording fake for the backend's proxy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';
import type { AppContext } from '../../../src/app/context.js';
import { down } from '../../../src/app/down.js';
import { up } from '../../../src/app/up.js';
import type { BackendProxy, ProxyWanted } from '../../../src/contracts/backend-proxy.js';
import type { StackBackend } from '../../../src/contracts/stack-backend.js';
import { anyStackSelector, Labels } from '../../../src/core/stack/labels.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

interface ProxyCall {
  call: 'apply' | 'remove';
  change?: string;
  networks?: string[];
  caddyfile?: string;
  /** The stack networks on the cluster when the call was made. */
  networksThen: string[];
}

function recordingProxy(cluster: MemoryEngine): { proxy: BackendProxy; calls: ProxyCall[] } {
  const calls: ProxyCall[] = [];
  let current: ProxyWanted | undefined;
  const networksThen = async () =>
    (await cluster.listNetworks(anyStackSelector())).map((network) => network.name).sort();
  const proxy: BackendProxy = {
    routed: async (port) => ({
      instances: await cluster.listContainers({ [Labels.proxy]: String(port) }),
      networks: await cluster.listNetworks({ [Labels.proxy]: String(port) }),
    }),
    proxies: async () => (current ? [{ port: current.port, name: `devenv-proxy-${current.port}` }] : []),
    apply: async (wanted) => {
      const change =
        current === undefined
          ? 'created'
          : JSON.stringify(current) === JSON.stringify(wanted)
            ? 'kept'
            : 'updated';
      current = wanted;
      calls.push({
        call: 'apply',
        change,
        networks: wanted.networks,
        caddyfile: wanted.caddyfile,
        networksThen: await networksThen(),
      });
      return { name: `devenv-proxy-${wanted.port}`, address: `10.0.0.1:${wanted.port}`, change };
    },
    remove: async (port) => {
      const had = current !== undefined;
      current = undefined;
      calls.push({ call: 'remove', networksThen: await networksThen() });
      return had ? `devenv-proxy-${port}` : undefined;
    },
    address: async (port) => `10.0.0.1:${port}`,
  };
  return { proxy, calls };
}

describe('the preview proxy on a backend that runs it', () => {
  it('routes through the backend, lets go of a stack before its networks go, and goes with the last stack', async () => {
    const project = await tempProject(
      { 'compose.yaml': 'name: shop\nservices:\n  web:\n    image: contract/image\n    ports: ["3000"]\n' },
      'devenv-backend-proxy-',
    );
    projects.push(project);
    const cluster = memoryEngine();
    const local = memoryEngine();
    for (const engine of [cluster, local]) withImage(engine, 'contract/image');
    const { proxy, calls } = recordingProxy(cluster);
    const backend: Promise<StackBackend> = cluster
      .info()
      .then((info) => Object.assign(new ContainerStackBackend(cluster, info), { proxy }));
    const ctx: AppContext = { ...fakeContext(project.dir, local).ctx, backend: () => backend };

    const one = await up(ctx, { branch: 'one', proxy: true });
    expect(one.urls).toEqual([{ service: 'web', url: 'http://web.one.tester.shop.localhost:8780/' }]);
    expect(one.proxyAddress).toBe('10.0.0.1:8780');
    const two = await up(ctx, { branch: 'two', proxy: true });
    const [netOne, netTwo] = [one, two].map((r) => `${r.target.identity.name}_default`);
    expect(calls.map((c) => [c.call, c.change])).toEqual([
      ['apply', 'created'],
      ['apply', 'updated'],
    ]);
    expect(calls[1]?.networks).toEqual([netOne, netTwo].sort());
    expect(calls[1]?.caddyfile).toMatch(
      /http:\/\/web\.two\.tester\.shop\.localhost \{\n\treverse_proxy \S+:3000/,
    );
    // Nothing of the proxy is a container on the engine.
    expect(await local.listContainers({ [Labels.proxyServer]: true })).toEqual([]);

    calls.length = 0;
    await down(ctx, { stack: one.target.identity.name, volumes: true });
    // Off the stack's network while it still exists; then kept as it is for the other stack.
    expect(calls[0]).toMatchObject({ call: 'apply', change: 'updated', networks: [netTwo] });
    expect(calls[0]?.networksThen).toContain(netOne);
    expect(calls[0]?.caddyfile).not.toMatch(/web\.one\./);
    expect(calls.slice(1).map((c) => [c.call, c.change])).toEqual([['apply', 'kept']]);

    calls.length = 0;
    await down(ctx, { stack: two.target.identity.name, volumes: true });
    // Removed while the stack's network still exists (the sync after the removal finds none to remove).
    expect(calls.map((c) => c.call)).toEqual(['remove', 'remove']);
    expect(calls[0]?.networksThen).toContain(netTwo);
    expect(await proxy.proxies()).toEqual([]);
  });
});
