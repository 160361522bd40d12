/**
 * Declared secrets on the fakes: resolved for the stack's environment before
 * the template, masked as soon as read, interpolated into the template, and a
 * missing required one stops before the engine is touched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStackTarget } from '../../../src/app/stack-target.js';
import { up } from '../../../src/app/up.js';
import { DevenvError } from '../../../src/core/errors.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine } from '../../support/fakes/memory-engine.js';
import { memorySecretSources } from '../../support/fakes/memory-secret-sources.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const devenvYaml = `
secrets:
  STRIPE_KEY:
    required: [staging, prod]
    from: [file, env, command]
    command: "pass show stripe/{env}"
`;

const compose = `
name: shop
services:
  app:
    image: x
    environment:
      PAYMENTS: "\${STRIPE_KEY:-none}"
`;

async function setup(sources: ReturnType<typeof memorySecretSources>, env: Record<string, string> = {}) {
  const project = await tempProject(
    { 'compose.yaml': compose, 'devenv.yaml': devenvYaml },
    'devenv-secrets-',
  );
  projects.push(project);
  const engine = memoryEngine();
  const fake = fakeContext(project.dir, engine);
  const ctx = { ...fake.ctx, env, secretSources: sources };
  return { ctx, engine, events: fake.events };
}

describe('declared secrets per environment', () => {
  it("reads only the stack's environment's file, and its value reaches the template, masked", async () => {
    const sources = memorySecretSources({
      files: {
        prod: { STRIPE_KEY: 'sk_live_prod_value_1234' },
        dev: { STRIPE_KEY: 'sk_test_dev_value_5678' },
      },
    });
    const { ctx } = await setup(sources);
    const target = await resolveStackTarget(ctx, { branch: 'b' });
    expect(target.project.services['app']?.environment['PAYMENTS']).toBe('sk_test_dev_value_5678');
    expect(sources.reads.map((read) => read.environment)).toEqual(['dev']);
    expect(ctx.secrets.mask('key sk_test_dev_value_5678')).toBe('key ****');
    expect(ctx.secrets.values()).not.toContain('sk_live_prod_value_1234');

    const prod = await resolveStackTarget(ctx, { branch: 'b', environment: 'prod' });
    expect(prod.project.services['app']?.environment['PAYMENTS']).toBe('sk_live_prod_value_1234');
  });

  it('runs the command, with {env} replaced, only when no earlier source has a value', async () => {
    const sources = memorySecretSources({ commands: { 'pass show stripe/staging': 'from-the-command-99' } });
    const { ctx } = await setup(sources);
    const target = await resolveStackTarget(ctx, { branch: 'b', environment: 'staging' });
    expect(target.project.services['app']?.environment['PAYMENTS']).toBe('from-the-command-99');
    expect(sources.reads.map((read) => read.origin)).toEqual(['file', 'env', 'command']);
    expect(sources.reads[2]?.command).toBe('pass show stripe/staging');
    expect(ctx.secrets.mask('from-the-command-99')).toBe('****');
  });

  it('a missing required secret ends up before the engine is touched', async () => {
    const { ctx, engine } = await setup(memorySecretSources());
    const error = await up(ctx, { branch: 'b', environment: 'staging' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('SECRET_MISSING');
    expect((error as DevenvError).message).toContain('STRIPE_KEY is required in environment "staging"');
    expect(engine.calls).toEqual([]);
    expect(engine.containers.size).toBe(0);
  });

  it('a secret not required in dev may be unset there', async () => {
    const { ctx } = await setup(memorySecretSources());
    const target = await resolveStackTarget(ctx, { branch: 'b' });
    expect(target.project.services['app']?.environment['PAYMENTS']).toBe('none');
  });
});
