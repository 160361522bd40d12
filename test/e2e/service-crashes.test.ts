/**
 * A service that crashes, on the real engine: killed by the kernel for want of
 * memory (a memory limit in the template), `ls` says so with the limit and the
 * exit code; a service the engine restarts by its restart policy, the attached
 * session says each restart, how often and how the run ended.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { devenv, spawnDevenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';

const ws = e2eWorkspace();

const hogCompose = `
services:
  hog:
    image: \${NODE_IMAGE:-node:20}
    # Allocates and touches 1 MiB a step until the kernel kills it (no swap: memswap_limit).
    command: ["node", "-e", "const a = []; setTimeout(function grow() { for (let i = 0; i < 8; i++) a.push(Buffer.alloc(1 << 20, 1)); setTimeout(grow, 5); }, 500)"]
    mem_limit: 48m
    memswap_limit: 48m
`;

const flakyCompose = `
services:
  flaky:
    image: \${NODE_IMAGE:-node:20}
    command: ["node", "-e", "setTimeout(() => process.exit(3), 1500)"]
    restart: always
`;

interface LsService {
  service: string;
  state: string;
  restartCount: number;
  lastExit?: string;
}

describe('services that crash', () => {
  it('an out-of-memory kill shows in ls with the limit; restarts show in the attached session', async () => {
    const project = await ws.project({ 'compose.yaml': hogCompose }, 'devenv-crashes-');
    const branch = `${ws.prefix}-crash`;
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);

    let hog: LsService | undefined;
    for (let i = 0; i < 120 && hog?.state !== 'exited'; i++) {
      await sleep(250);
      const ls = await devenv(project.dir, ['ls', '--json']);
      const stacks = JSON.parse(ls.stdout) as { branch: string; services: LsService[] }[];
      hog = stacks.find((s) => s.branch === branch)?.services.find((s) => s.service === 'hog');
    }
    expect(hog).toMatchObject({
      state: 'exited',
      lastExit: 'killed for want of memory (OOMKilled, limit 48 MiB; exit 137)',
    });
    const plain = await devenv(project.dir, ['ls']);
    expect(plain.stdout).toMatch(
      /hog +exited .*last run killed for want of memory \(OOMKilled, limit 48 MiB; exit 137\)/,
    );

    // Attached (plain output): the engine restarts flaky every time it exits; each restart is said.
    const flaky = await ws.project({ 'compose.yaml': flakyCompose }, 'devenv-flaky-');
    const attached = spawnDevenv(flaky.dir, ['up', '--branch', `${ws.prefix}-flaky`]);
    let output = '';
    attached.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    for (let i = 0; i < 240 && !/restarted by the engine \(2 so far\)/.test(output); i++) await sleep(250);
    attached.kill('SIGINT');
    await attached.catch(() => undefined);
    expect(output).toMatch(/flaky +restarted by the engine \(1 so far\): /);
    expect(output).toMatch(/flaky +restarted by the engine \(2 so far\): /);
    // Seen while the engine waits to restart it (its first back-off is 100 ms): the exit code.
    expect(output).toMatch(/flaky +restarted by the engine \(\d so far\): exited with code 3/);
    expect(output).not.toMatch(/flaky +failed/);
  });
});
