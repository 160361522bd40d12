/**
 * A preview on a remote engine (a real second engine in its own network
 * namespace, reached over tcp:// at its address, test/support/second-engine.sh):
 * plain TCP is refused without --insecure-engine; a bind mount of the worktree
 * is refused with the reason and nothing is created; without one, the preview
 * comes up there (the build context is sent), answers at its URL through the
 * proxy on that engine, streams its logs over the API and goes down. That
 * engine speaks plain TCP (a test network), so these runs pass --insecure-engine;
 * TLS is preview-tls.test.ts, ssh preview-ssh.test.ts.
 */
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { resourcesWhere } from '../support/engine-state.js';
import {
  expectPreviewRoundTrip,
  remotePreviewProject,
  type RemotePreviewProject,
} from '../support/remote-preview.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

const ws = e2eWorkspace();
const engine = secondEngine('devpreview', { tcp: true });
let address = '';
let preview: RemotePreviewProject | undefined;

beforeAll(async () => {
  if (!canRunSecondEngine()) return;
  preview = await remotePreviewProject(ws, engine, 'remote');
  address = await engine.address();
}, 300_000);

afterAll(async () => {
  if (!canRunSecondEngine()) return;
  await preview?.cleanup();
  await engine.remove();
});

describe('a preview on a remote engine', () => {
  it('refuses plain TCP without --insecure-engine, before connecting', async () => {
    const result = await devenv(tmpdir(), ['preview', 'up', 'main', '--engine', 'tcp://192.0.2.1:2375']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/plain TCP, without TLS/);
    expect(result.stderr).toMatch(/--insecure-engine/);
  });

  it.runIf(canRunSecondEngine())('refuses a bind mount of the worktree, creating nothing', async () => {
    const { dir, branch, env } = preview!;
    const tcp = `tcp://${address}:2375`;
    const result = await devenv(
      dir,
      ['preview', 'up', branch, '--engine', tcp, '--insecure-engine', '-f', 'compose.bind.yaml'],
      env(),
    );
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /is remote, and the preview bind-mounts files of its worktree: web mounts .*page\.txt/,
    );
    expect(result.stderr).toMatch(/COPY in the service's Dockerfile/);
    const left = await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker);
    expect(left.containers.length + left.networks.length).toBe(0);
  });

  it.runIf(canRunSecondEngine())(
    'comes up there, answers at its URL through the proxy there, streams logs and goes down',
    async () => {
      await expectPreviewRoundTrip(preview!, engine, address, [
        '--engine',
        `tcp://${address}:2375`,
        '--insecure-engine',
      ]);
    },
  );
});
