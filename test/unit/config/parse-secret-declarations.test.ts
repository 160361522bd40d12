import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { devenvTextError, parseDevenvText, validateDevenvSchema } from '../../support/devenv-yaml.js';

const validate = validateDevenvSchema;
const parse = parseDevenvText;
const errorOf = devenvTextError;

const mapping = `
secrets:
  STRIPE_KEY:
    description: Stripe API key
    required: [staging, prod]
    from: [file, env, command]
    command: "pass show stripe/{env}"
  SENTRY_DSN:
  MAIL_TOKEN:
    required: true
    command: ./print-token
`;

describe('devenv.yaml secrets: as a mapping', () => {
  it('reads each secret with its sources, defaults and required environments', () => {
    const config = parse(mapping);
    expect(config.secrets).toEqual(['STRIPE_KEY', 'SENTRY_DSN', 'MAIL_TOKEN']);
    expect(config.secretSources).toEqual([
      {
        name: 'STRIPE_KEY',
        description: 'Stripe API key',
        required: ['staging', 'prod'],
        from: ['file', 'env', 'command'],
        command: 'pass show stripe/{env}',
      },
      { name: 'SENTRY_DSN', required: [], from: ['file', 'env'] },
      // A command without `from:` is tried after the file and the shell.
      { name: 'MAIL_TOKEN', required: true, from: ['file', 'env', 'command'], command: './print-token' },
    ]);
    expect(validate(parseYaml(mapping))).toBe(true);
  });

  it('keeps the list form: names to mask, no sources', () => {
    const config = parse('secrets: [STRIPE_KEY, API_TOKEN]\n');
    expect(config.secrets).toEqual(['STRIPE_KEY', 'API_TOKEN']);
    expect(config.secretSources).toEqual([]);
  });

  it.each([
    [
      'secrets:\n  STRIPE_KEY:\n    form: [env]\n',
      'devenv.yaml:3 secrets.STRIPE_KEY.form: unknown key "form" (expected one of: description, required, from, command)',
    ],
    [
      'secrets:\n  STRIPE_KEY:\n    from: [file, vault]\n',
      'devenv.yaml:3 secrets.STRIPE_KEY.from[1]: unknown source "vault" (expected one of: file, env, command)',
    ],
    [
      'secrets:\n  STRIPE_KEY:\n    from: [env, env]\n',
      'devenv.yaml:3 secrets.STRIPE_KEY.from[1]: "env" is listed twice',
    ],
    [
      'secrets:\n  STRIPE_KEY:\n    required: [prod]\n    from: [file, command]\n',
      'devenv.yaml:4 secrets.STRIPE_KEY.from: lists `command` but the secret has no `command:` (the shell command that prints its value)',
    ],
    [
      'secrets:\n  STRIPE_KEY:\n    required: 3\n',
      'devenv.yaml:3 secrets.STRIPE_KEY.required: must be an environment name or a list of them',
    ],
    ['secrets:\n  STRIPE_KEY: yes please\n', 'devenv.yaml:2 secrets.STRIPE_KEY: must be a mapping'],
    [
      'secrets:\n  not-a-name: {}\n',
      'devenv.yaml:2 secrets.not-a-name: "not-a-name" is not an environment variable name',
    ],
    ['secrets: [A, B, A]\n', 'devenv.yaml:1 secrets[2]: "A" is declared twice'],
  ])('rejects %j with file:line and key path', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location?.file).toBe('devenv.yaml');
  });

  it('rejects a secret declared twice in the mapping with its line', () => {
    const error = errorOf('secrets:\n  STRIPE_KEY: {}\n  STRIPE_KEY:\n    from: env\n');
    expect(error.message).toMatch(/^devenv\.yaml:3\b.*duplicate key/);
  });
});
