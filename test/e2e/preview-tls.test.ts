/**
 * A preview on a remote engine over TCP with TLS (a real second engine in its
 * own network namespace, dockerd --tlsverify on ADDRESS:2376 with a CA, server
 * and client certificates second-engine.sh made with openssl): it comes up
 * without --insecure-engine, answers at its URL through the proxy there,
 * streams its logs and goes down. Certificates of another CA fail at once with
 * ENGINE_UNTRUSTED, whichever side refuses: devenv the engine's certificate,
 * or the engine devenv's.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, type CliResult } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { resourcesWhere } from '../support/engine-state.js';
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
