/**
 * Where a project's template and devenv.yaml come from: the compose files of
 * a directory (-f, COMPOSE_FILE, devenv.yaml's compose:, the default names),
 * read and resolved, and the project's devenv.yaml. Implemented on the file
 * system in adapters/fs; a preview or remote checkout may read them elsewhere.
 */
import type { ResolvedCompose } from '../core/compose/model.js';
import type { DevenvConfig } from '../core/config/devenv-config.js';
import type { SourceLocation } from '../core/errors.js';

export interface ComposeRequest {
  /** Directory devenv runs in; -f paths and the default files are relative to it. */
  cwd: string;
  /** -f files; empty or undefined: COMPOSE_FILE, devenv.yaml or the default names. */
  files?: string[] | undefined;
  /** The shell environment. */
  env: Record<string, string | undefined>;
  /** devenv's own variables (DEVENV_STACK, ...); they win over the shell and .env. */
  extraVars?: Record<string, string>;
  /**
   * The environment's overlay compose files (devenv.yaml `environments.NAME.compose`, relative to
   * cwd), merged after the base files; `declaredAt` is where devenv.yaml names each (for errors).
   */
  overlays?: { file: string; declaredAt?: SourceLocation }[];
  /**
   * The environment's variables. Interpolation order, highest first: devenv's own (extraVars),
   * the shell, these, .env. They are also defaults for every service's environment.
   */
  variables?: Record<string, string>;
  /** Active profiles; empty: COMPOSE_PROFILES. */
  profiles?: string[];
  /** Variable names declared secret (devenv.yaml `secrets:`). */
  declaredSecrets?: readonly string[];
  /** Told secret values as soon as they are known, before anything can fail. */
  onSecretValues?: (values: string[]) => void;
}

export interface ProjectSource {
  /** The template resolved: interpolated, validated, merged, normalized. */
  loadCompose(request: ComposeRequest): ResolvedCompose;
  /** Absolute paths of the compose files a directory uses, in merge order. */
  composeFiles(cwd: string, files: string[] | undefined, env: Record<string, string | undefined>): string[];
  /** devenv.yaml of a directory with defaults applied (the defaults when there is none). */
  devenvConfig(dir: string): DevenvConfig;
}
