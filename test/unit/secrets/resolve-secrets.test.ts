import { describe, expect, it } from 'vitest';
import type { SecretDeclaration, SecretOrigin } from '../../../src/core/config/devenv-config.js';
import {
  describeSources,
  isRequiredIn,
  missingSecretsError,
  resolveSecrets,
  secretCommand,
} from '../../../src/core/secrets/resolve-secrets.js';

const stripe: SecretDeclaration = {
  name: 'STRIPE_KEY',
  description: 'Stripe API key',
  required: ['staging', 'prod'],
  from: ['file', 'env', 'command'],
  command: 'pass show stripe/{env}',
};

function lookupOf(found: Partial<Record<SecretOrigin, string>>) {
  const asked: SecretOrigin[] = [];
  return {
    asked,
    lookup: async (_secret: SecretDeclaration, origin: SecretOrigin) => {
      asked.push(origin);
      return found[origin];
    },
  };
}

describe('resolveSecrets', () => {
  it('takes the first source in `from:` order that has a value and asks no later one', async () => {
    const { asked, lookup } = lookupOf({ env: 'from-env', command: 'from-command' });
    const resolved = await resolveSecrets([stripe], lookup);
    expect(resolved.values).toEqual({ STRIPE_KEY: 'from-env' });
    expect(resolved.origins).toEqual({ STRIPE_KEY: 'env' });
    expect(asked).toEqual(['file', 'env']);
  });

  it('follows the declared order, not a fixed one', async () => {
    const { asked, lookup } = lookupOf({ file: 'from-file', command: 'from-command' });
    const resolved = await resolveSecrets([{ ...stripe, from: ['command', 'file'] }], lookup);
    expect(resolved.values).toEqual({ STRIPE_KEY: 'from-command' });
    expect(asked).toEqual(['command']);
  });

  it('lists a secret no source has as unset', async () => {
    const { asked, lookup } = lookupOf({});
    const resolved = await resolveSecrets([stripe], lookup);
    expect(resolved.values).toEqual({});
    expect(resolved.unset.map((secret) => secret.name)).toEqual(['STRIPE_KEY']);
    expect(asked).toEqual(['file', 'env', 'command']);
  });
});

describe('required per environment', () => {
  it('is required only in the environments it names, or everywhere with true', () => {
    expect(isRequiredIn(stripe, 'prod')).toBe(true);
    expect(isRequiredIn(stripe, 'staging')).toBe(true);
    expect(isRequiredIn(stripe, 'dev')).toBe(false);
    expect(isRequiredIn({ ...stripe, required: true }, 'dev')).toBe(true);
    expect(isRequiredIn({ ...stripe, required: [] }, 'prod')).toBe(false);
  });

  it('a missing secret not required in this environment is no error', () => {
    expect(missingSecretsError([stripe], 'dev')).toBeUndefined();
  });

  it('a missing required secret names the secret, the environment and where it may come from', () => {
    const error = missingSecretsError([stripe], 'staging');
    expect(error?.code).toBe('SECRET_MISSING');
    expect(error?.message).toBe('Secret STRIPE_KEY is required in environment "staging" but not set.');
    expect(error?.details).toEqual([
      'STRIPE_KEY (Stripe API key): from secrets.staging.env, the shell (STRIPE_KEY) or `pass show stripe/staging`',
    ]);
    expect(error?.hint).toBe(
      'Put STRIPE_KEY=... in secrets.staging.env beside devenv.yaml (git-ignored), or set it in one of the other sources listed.',
    );
  });

  it('names every missing required secret at once', () => {
    const other: SecretDeclaration = { name: 'MAIL_TOKEN', required: true, from: ['env'] };
    const error = missingSecretsError([stripe, other], 'prod');
    expect(error?.message).toBe(
      'Secrets STRIPE_KEY, MAIL_TOKEN are required in environment "prod" but not set.',
    );
    expect(error?.details[1]).toBe('MAIL_TOKEN: from the shell (MAIL_TOKEN)');
  });
});

describe('secretCommand', () => {
  it('replaces {env} with the environment, quoted when the shell would read it otherwise', () => {
    expect(secretCommand('pass show stripe/{env}', 'prod')).toBe('pass show stripe/prod');
    expect(secretCommand('echo {env}', 'a b;rm')).toBe("echo 'a b;rm'");
    expect(describeSources({ ...stripe, from: ['command'] }, 'prod')).toBe('`pass show stripe/prod`');
  });
});
