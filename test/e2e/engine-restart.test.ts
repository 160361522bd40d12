/**
 * The engine restarted under an attached `up` (a reboot, `systemctl restart
 * docker`): a real second engine, in its own network namespace, is stopped
 * with SIGTERM (it stops every container first, Redis exiting with code 0)
 * and started again. devenv says the engine went away (not that services
 * failed), starts the services again when it is back, follows their logs
 * again, and what Ctrl-C then says is true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from '../support/event-log.js';
import { runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

const prefix = runPrefix();
const engine = secondEngine('devenv-t2');
let project: TempProject | undefined;

const compose = `
services:
  cache:
    image: devenv-test/redis:7
    ports: ["6379"]
  talker:
    image: devenv-test/redis:7
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo tick; sleep 0.3; done"]
`;

beforeAll(async () => {
  await engine.start();
  await engine.load('devenv-test/redis:7');
  project = await tempProject({ 'compose.yaml': compose }, 'devenv-engine-restart-');
}, 180_000);

afterAll(async () => {
  if (project) {
    await engine.start().catch(() => undefined);
    await engine.devenv(project.dir, ['down', '-v', '--branch', `${prefix}-restart`]);
    await project.remove();
  }
  await engine.remove();
}, 120_000);

describe.skipIf(!canRunSecondEngine())('engine restarted under an attached up', () => {
  it('reports the engine gone, starts the services again when it is back, and follows them', async () => {
    const branch = `${prefix}-restart`;
    const child = engine.spawnDevenv(project!.dir, ['up', '--json', '--no-watch', '--branch', branch]);
    const log = new EventLog(child);
    await log.until((e) => e.type === 'stack.ready');
    await log.until((e) => e.type === 'log' && e.service === 'talker' && e.line === 'tick');

    await engine.stop();
    const whileGone = await log.until((e) => e.type === 'error');
    expect(whileGone.at(-1)).toMatchObject({ type: 'error', code: 'ENGINE_UNREACHABLE' });
    expect(whileGone.filter((e) => e.type === 'service.failed')).toEqual([]);

    await engine.start();
    await log.until((e) => e.type === 'engine.reconnected');
    const recovered = await log.until((e) => e.type === 'stack.ready');
    const plan = recovered.find((e) => e.type === 'plan');
    expect(plan && 'steps' in plan ? plan.steps : []).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^service:cache StartService /),
        expect.stringMatching(/^service:talker StartService /),
      ]),
    );
    expect(
      recovered
        .filter((e) => e.type === 'service.ready')
        .map((e) => 'service' in e && e.service)
        .sort(),
    ).toEqual(['cache', 'talker']);
    expect(recovered.filter((e) => e.type === 'service.failed')).toEqual([]);
    await log.until((e) => e.type === 'log' && e.service === 'talker' && e.line === 'tick');
    const running = await engine.docker.listContainers({
      filters: JSON.stringify({ label: [`dev.devenv.branch=${branch}`] }),
    });
    expect(running.map((c) => c.State)).toEqual(['running', 'running']);

    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain('keeps running');
  });

  it('Ctrl-C after every service exited says the stack is stopped', async () => {
    const branch = `${prefix}-restart`;
    const child = engine.spawnDevenv(project!.dir, ['up', '--json', '--no-watch', '--branch', branch]);
    const log = new EventLog(child);
    await log.until((e) => e.type === 'stack.ready');
    const containers = await engine.docker.listContainers({
      filters: JSON.stringify({ label: [`dev.devenv.branch=${branch}`] }),
    });
    await Promise.all(containers.map((c) => engine.docker.getContainer(c.Id).stop({ t: 1 })));
    await log.until((e) => e.type === 'service.failed');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain('is stopped: none of its services runs');
  });
});
