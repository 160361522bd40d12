/**
 * A preview on a remote engine over TCP with TLS (a real second engine in its
 * own network namespace, dockerd --tlsverify on ADDRESS:2376 with a CA, server
 * and client certificates second-engine.sh made with openssl): it comes up
 * without --insecure-engine, answers at its URL through the proxy there,
 * streams its logs and goes down. Certificates of another CA fail at once with
 * ENGINE_UNTRUSTED, whichever side refuses: devenv the engine's certificate,
 * or the engine devenv's. And a service whose published port does not answer
 * from here (bound to that engine's loopback) is found ready inside its container.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv, type CliResult } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { resourcesWhere } from '../support/engine-state.js';
import { jsonEvents } from '../support/json-events.js';
import {
  expectPreviewRoundTrip,
  remotePreviewProject,
  type RemotePreviewProject,
} from '../support/remote-preview.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

const ws = e2eWorkspace();
const engine = secondEngine('devtls', { tls: true });
let address = '';
let tls: Record<string, string> = {};
let preview: RemotePreviewProject | undefined;
const scratch: string[] = [];

beforeAll(async () => {
  if (!canRunSecondEngine()) return;
  preview = await remotePreviewProject(ws, engine, 'tls');
  address = await engine.address();
  tls = await engine.tlsEnv();
  await engine.load('devenv-test/redis:7');
}, 300_000);

afterAll(async () => {
  if (!canRunSecondEngine()) return;
  await preview?.cleanup();
  await engine.remove();
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** `preview up --json` with these TLS settings; the error event is on stdout or stderr. */
async function upWith(certPath: string): Promise<CliResult & { error: Record<string, string> }> {
  const { dir, branch, env } = preview!;
  const result = await devenv(
    dir,
    ['preview', 'up', branch, '--json'],
    env({ ...tls, DOCKER_CERT_PATH: certPath }),
  );
  const line = (result.stdout + '\n' + result.stderr).split('\n').find((l) => l.includes('"type":"error"'));
  return { ...result, error: JSON.parse(line ?? '{}') as Record<string, string> };
}

describe.runIf(canRunSecondEngine())('a preview on a TLS engine', () => {
  it('comes up without --insecure-engine, answers at its URL through the proxy there, streams logs and goes down', async () => {
    // --engine names the address; DOCKER_TLS_VERIFY and DOCKER_CERT_PATH say how, as for the docker CLI.
    const { DOCKER_TLS_VERIFY = '', DOCKER_CERT_PATH = '' } = tls;
    await expectPreviewRoundTrip(preview!, engine, address, ['--engine', `tcp://${address}:2376`], {
      DOCKER_TLS_VERIFY,
      DOCKER_CERT_PATH,
    });
  });

  it('refuses an engine whose certificate another CA signed, at once, creating nothing', async () => {
    const result = await upWith(await engine.otherCa());
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.error).toMatchObject({ code: 'ENGINE_UNTRUSTED' });
    expect(result.error['message']).toMatch(
      new RegExp(
        `tcp://${address.replace(/\./g, '\\.')}:2376 presented a TLS certificate devenv does not trust`,
      ),
    );
    expect(result.error['hint']).toMatch(/DOCKER_CERT_PATH/);
    const left = await resourcesWhere(`dev.devenv.branch=${preview!.branch}`, engine.docker);
    expect(left.containers.length + left.networks.length).toBe(0);
  });

  it("says the engine refused devenv's client certificate when its CA did not issue it", async () => {
    // The engine's CA (so devenv trusts the engine), a client certificate of another CA.
    const mixed = await mkdtemp(join(tmpdir(), 'devenv-tls-mixed-'));
    scratch.push(mixed);
    const other = await engine.otherCa();
    await copyFile(join(tls['DOCKER_CERT_PATH'] ?? '', 'ca.pem'), join(mixed, 'ca.pem'));
    await copyFile(join(other, 'cert.pem'), join(mixed, 'cert.pem'));
    await copyFile(join(other, 'key.pem'), join(mixed, 'key.pem'));
    const result = await upWith(mixed);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.error).toMatchObject({ code: 'ENGINE_UNTRUSTED' });
    expect(result.error['message']).toMatch(/refused devenv’s TLS client certificate/);
  });
});

describe.runIf(canRunSecondEngine())('readiness on a remote engine', () => {
  it('judges a service inside its container when its published port does not answer from here', async () => {
    // Published on the engine's own loopback: out of reach from this machine.
    const { dir } = await ws.project(
      {
        'compose.yaml':
          'services:\n  cache:\n    image: devenv-test/redis:7\n    ports: ["127.0.0.1::6379"]\n',
      },
      'devenv-tls-loopback-',
    );
    const branch = `${ws.prefix}-loopback`;
    const env = preview!.env(tls);
    const up = await devenv(dir, ['up', '-d', '--json', '--timeout', '60s', '--branch', branch], env);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const events = jsonEvents(up.stdout);
    const details = events
      .filter((e): e is Extract<DevenvEvent, { type: 'health.changed' }> => e.type === 'health.changed')
      .map((e) => e.detail);
    expect(details).toContain(
      `redis answers PING on 6379 (redis-cli in the container): its published port on ${address} does not answer from this machine`,
    );
    expect(events.filter((e) => e.type === 'service.ready').map((e) => e.service)).toEqual(['cache']);
    const down = await devenv(dir, ['down', '-v', '--branch', branch], env);
    expect(down.exitCode, down.stderr).toBe(0);
    const left = await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
  });
});
