/**
 * Where a declared secret's value comes from (devenv.yaml `secrets:` NAME
 * `from:`): the environment's secrets file, the shell, or a command. Each
 * source answers for one secret in one environment; core decides the order
 * and what is required (core/secrets/resolve-secrets.ts), app asks
 * (app/stack-secrets.ts). Implemented in adapters/secrets.
 */
import type { SecretOrigin } from '../core/config/devenv-config.js';

export interface SecretRequest {
  /** The secret's name (an environment variable name). */
  name: string;
  /** The environment the stack is for ('dev', 'staging', 'prod'). */
  environment: string;
  /** The directory of devenv.yaml: the secrets file lives beside it, commands run in it. */
  projectDir: string;
  /** The shell environment. */
  env: Record<string, string | undefined>;
  /** For `from: command`: the command line, `{env}` already replaced. */
  command?: string;
}

export interface SecretSourceNotes {
  /** Every value a source reads is told here before the source returns or throws (it is masked from then on). */
  onSecretValues(values: string[]): void;
  /** Something the user should fix that does not stop the command (a secrets file others can read). */
  warn(message: string, hint: string): void;
}

export interface SecretSource {
  /**
   * The secret's value, or undefined when this source has none. A broken
   * source (a secrets file git tracks, a command that fails or hangs) throws
   * a DevenvError that names the secret, never a value.
   */
  read(request: SecretRequest, notes: SecretSourceNotes): Promise<string | undefined>;
}

export type SecretSources = Record<SecretOrigin, SecretSource>;
