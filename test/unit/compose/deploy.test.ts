/**
 * deploy.replicas / scale and deploy.restart_policy in the resolved model: the count kept as
 * written (devenv runs one container and says so), the restart policy in `restart:` terms
 * (winning over `restart:`, as in docker compose), bad values located.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/core/compose/model.js';
import { renderComposeConfig } from '../../../src/core/compose/render-config.js';
import { errorOf, resolveText } from './resolve-text.js';

function resolved(body: string[], environment: Record<string, string> = {}) {
  const text = ['services:', '  app:', '    image: x', ...body.map((line) => `    ${line}`)].join('\n');
  const { project, warnings } = resolveText(text, { environment });
  return {
    app: project.services.app as ServiceSpec,
    warnings: warnings.map((w) => `${w.line}: ${w.message}`),
    config: (renderComposeConfig(project).services as Record<string, Record<string, unknown>>).app,
  };
}

function problem(body: string[]): string {
  return errorOf(() => resolved(body)).message;
}

describe('replicas', () => {
  it('keeps deploy.replicas or scale as written and warns that one container runs', () => {
    const three = resolved(['deploy:', '  replicas: 3']);
    expect(three.app.replicas).toBe(3);
    expect(three.warnings).toEqual([
      '5: services.app.deploy.replicas is 3, but devenv runs one container per service: it starts 1 where docker compose would start 3 (devenv diff still compares the count)',
    ]);
    expect(three.config?.['deploy']).toEqual({ replicas: 3 });
    expect(resolved(['scale: 2']).app.replicas).toBe(2);
    expect(resolved(['deploy:', '  replicas: ${REPLICAS:-4}']).app.replicas).toBe(4);
    expect(resolved(['deploy:', '  replicas: ${REPLICAS}'], { REPLICAS: '2' }).app.replicas).toBe(2);
  });

  it('says nothing for 1, and warns that 0 still starts one container', () => {
    const one = resolved(['scale: 1', 'deploy:', '  replicas: 1']);
    expect(one.app.replicas).toBe(1);
    expect(one.warnings).toEqual([]);
    expect(resolved(['deploy: {replicas: 0}']).warnings).toEqual([
      '4: services.app.deploy.replicas is 0, but devenv runs one container per service and starts it (docker compose would start none; a profile leaves a service out)',
    ]);
    expect(resolved([]).app.replicas).toBeUndefined();
  });

  it('refuses scale and deploy.replicas that disagree, and a negative count, at the key', () => {
    expect(problem(['scale: 2', 'deploy:', '  replicas: 3'])).toBe(
      "compose.yaml:4 services.app.scale: can't set distinct values on 'scale' and 'deploy.replicas' (2 vs 3); keep one of them",
    );
    expect(resolved(['scale: 3', 'deploy:', '  replicas: 3']).app.replicas).toBe(3);
    expect(problem(['deploy:', '  replicas: -1'])).toBe(
      'compose.yaml:5 services.app.deploy.replicas: invalid value -1: expected a whole number of at least 0',
    );
  });
});

describe('deploy.restart_policy', () => {
  const policy = (lines: string[]) => resolved(['deploy:', '  restart_policy:', ...lines.map((l) => `    ${l}`)]);

  it('becomes the restart policy, condition by condition', () => {
    const table = [
      [['condition: none'], 'no'],
      [['condition: on-failure'], 'on-failure'],
      [['condition: on-failure', 'max_attempts: 3'], 'on-failure:3'],
      [['condition: on-failure', 'max_attempts: 0'], 'on-failure'],
      [['condition: any'], 'always'],
      [['max_attempts: 0'], 'always'],
      [['condition: unless-stopped'], 'unless-stopped'],
    ] as const;
    expect(table.map(([lines]) => [lines, policy([...lines]).app.restart])).toEqual(table);
    expect(policy(['condition: on-failure', 'max_attempts: 3']).config?.['restart']).toBe('on-failure:3');
  });

  it('wins over restart:, as in docker compose, with a warning when they differ', () => {
    const both = resolved(['restart: always', 'deploy:', '  restart_policy: {condition: on-failure}']);
    expect(both.app.restart).toBe('on-failure');
    expect(both.warnings).toEqual([
      '4: services.app.restart "always" is overridden by deploy.restart_policy ("on-failure"), as in docker compose',
    ]);
    expect(resolved(['restart: "no"', 'deploy:', '  restart_policy: {condition: none}']).warnings).toEqual([]);
  });

  it('names what a single engine does not do', () => {
    expect(policy(['condition: any', 'max_attempts: 5', 'delay: 5s', 'window: 2m']).warnings).toEqual([
      '7: services.app.deploy.restart_policy.max_attempts is ignored: the engine limits restarts only with condition on-failure',
      '8: services.app.deploy.restart_policy.delay is ignored: a Swarm restart timing, the engine restarts with its own back-off',
      '9: services.app.deploy.restart_policy.window is ignored: a Swarm restart timing, the engine restarts with its own back-off',
    ]);
  });

  it('refuses an unknown condition at its line', () => {
    expect(problem(['deploy:', '  restart_policy:', '    condition: sometimes'])).toBe(
      'compose.yaml:6 services.app.deploy.restart_policy.condition: invalid condition "sometimes": use none, on-failure or any',
    );
  });
});

describe('deploy.resources.reservations.cpus', () => {
  it('is kept for devenv diff and config, and still named as not applied', () => {
    const reserved = resolved(['deploy:', '  resources:', '    reservations: {cpus: "0.25", memory: 32m}']);
    expect(reserved.app.runtimeOptions).toEqual({ cpuReservation: 0.25, memReservationBytes: 32 * 1024 ** 2 });
    expect(reserved.config?.['deploy']).toEqual({ resources: { reservations: { cpus: 0.25 } } });
    expect(reserved.warnings).toEqual([
      '6: services.app.deploy.resources.reservations.cpus is ignored: a CPU reservation is a Swarm scheduling guarantee with no equivalent on a single engine (use cpu_shares to weight CPU time)',
    ]);
  });
});
