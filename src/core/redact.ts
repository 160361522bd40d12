/**
 * Secret redaction for everything devenv prints: values of variables whose
 * names look secret, passwords inside URLs, and values declared secret.
 */
import type { ComposeProject } from './compose/model.js';
import { MASK, maskValues } from './secret-registry.js';

export { MASK };

const SECRET_NAME = /(pass(word)?|passwd|secret|token|api[_-]?key|private[_-]?key|credential|auth)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** postgresql://user:pass@host -> postgresql://user:****@host */
export function redactUrlPasswords(text: string): string {
  // Bounded parts: unbounded ones made this quadratic (a 2 MB value without a URL spun for an hour).
  return text.replace(/([a-z][a-z0-9+.-]{0,31}:\/\/[^:/@\s]{0,256}):([^@\s/]{1,1024})@/gi, `$1:${MASK}@`);
}

export function redactValue(name: string, value: string): string {
  if (looksSecret(name)) return value === '' ? '' : MASK;
  return redactUrlPasswords(value);
}

/** Redacts known secret values wherever they appear in a line (log lines, messages). */
export function redactKnownValues(text: string, secrets: readonly string[]): string {
  return maskValues(
    redactUrlPasswords(text),
    [...secrets].sort((a, b) => b.length - a.length),
  );
}

export function redactEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, redactValue(key, value)]));
}

/**
 * An environment as devenv shows it (`up -d`'s connection settings, the
 * dashboard, `devenv env` without --show-secrets): values of secret-looking
 * names, passwords in URLs and every known secret value masked.
 */
export function maskEnvironment(
  env: Record<string, string>,
  secrets: readonly string[],
): { env: Record<string, string>; masked: string[] } {
  const shown: Record<string, string> = {};
  const masked: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    shown[key] = redactKnownValues(redactValue(key, value), secrets);
    if (shown[key] !== value) masked.push(key);
  }
  return { env: shown, masked };
}

/** Values in an environment that are secret by their name (or declared secret), to mask wherever they show up. */
export function secretValues(
  env: Record<string, string | null | undefined>,
  declared: readonly string[] = [],
): string[] {
  return Object.entries(env).flatMap(([key, value]) =>
    value && (looksSecret(key) || declared.includes(key)) ? [value] : [],
  );
}

/**
 * Every secret value a template brings: secret-looking (or declared) service
 * environment values, and the values of `environment:` secrets.
 */
export function projectSecretValues(
  project: Pick<ComposeProject, 'services' | 'secrets'>,
  declared: readonly string[] = [],
): string[] {
  const fromServices = Object.values(project.services).flatMap((service) =>
    secretValues(service.environment, declared),
  );
  const fromSecrets = Object.values(project.secrets).flatMap((spec) =>
    'value' in spec && spec.value !== '' ? [spec.value] : [],
  );
  return [...fromServices, ...fromSecrets];
}
