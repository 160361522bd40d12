/**
 * Which value each declared secret gets in an environment: its sources are
 * tried in the order of its `from:` (the first that has a value wins; a later
 * source, e.g. a command, is not asked), and a secret required in this
 * environment without a value is an error naming the secret, the environment
 * and where a value may come from, before anything is created.
 */
import type { SecretDeclaration, SecretOrigin } from '../config/devenv-config.js';
import { DevenvError } from '../errors.js';
import { shellQuote } from '../shell-quote.js';
import { secretsFileName } from './secrets-file.js';

export function isRequiredIn(secret: SecretDeclaration, environment: string): boolean {
  return secret.required === true || secret.required.includes(environment);
}

/** `command:` with `{env}` replaced by the environment name (quoted for the shell when it must be). */
export function secretCommand(command: string, environment: string): string {
  return command.replaceAll('{env}', shellQuote(environment));
}

export interface ResolvedSecrets {
  /** name -> value, for the secrets some source had. */
  values: Record<string, string>;
  /** name -> the source its value came from. */
  origins: Record<string, SecretOrigin>;
  /** Secrets with no value anywhere (required or not). */
  unset: SecretDeclaration[];
}

/** Asks `lookup` for each secret's sources in order until one has a value. */
export async function resolveSecrets(
  secrets: readonly SecretDeclaration[],
  lookup: (secret: SecretDeclaration, origin: SecretOrigin) => Promise<string | undefined>,
): Promise<ResolvedSecrets> {
  const resolved: ResolvedSecrets = { values: {}, origins: {}, unset: [] };
  for (const secret of secrets) {
    let found = false;
    for (const origin of secret.from) {
      const value = await lookup(secret, origin);
      if (value === undefined) continue;
      resolved.values[secret.name] = value;
      resolved.origins[secret.name] = origin;
      found = true;
      break;
    }
    if (!found) resolved.unset.push(secret);
  }
  return resolved;
}

/** Where a secret may come from, in words: "secrets.prod.env, the shell (STRIPE_KEY) or `pass show stripe/prod`". */
export function describeSources(secret: SecretDeclaration, environment: string): string {
  const words = secret.from.map((origin) => {
    if (origin === 'file') return secretsFileName(environment);
    if (origin === 'env') return `the shell (${secret.name})`;
    return `\`${secretCommand(secret.command ?? '', environment)}\``;
  });
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** SECRET_MISSING for the required secrets without a value, or undefined when none is missing. */
export function missingSecretsError(
  unset: readonly SecretDeclaration[],
  environment: string,
): DevenvError | undefined {
  const missing = unset.filter((secret) => isRequiredIn(secret, environment));
  const [first] = missing;
  if (first === undefined) return undefined;
  const names = missing.map((secret) => secret.name).join(', ');
  const lines = missing.map(
    (secret) =>
      `${secret.name}${secret.description ? ` (${secret.description})` : ''}: from ${describeSources(secret, environment)}`,
  );
  return new DevenvError(
    'SECRET_MISSING',
    `${missing.length === 1 ? 'Secret' : 'Secrets'} ${names} ${missing.length === 1 ? 'is' : 'are'} required in environment "${environment}" but not set.`,
    {
      details: lines,
      hint:
        first.from[0] === 'file'
          ? `Put ${first.name}=... in ${secretsFileName(environment)} beside devenv.yaml (git-ignored), or set it in one of the other sources listed.`
          : 'Set it in one of the sources listed.',
    },
  );
}
