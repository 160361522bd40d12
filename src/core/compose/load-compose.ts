/**
 * The compose loading pipeline, pure: parse each file (with positions),
 * interpolate, validate against the Compose Specification schema, merge in
 * order, normalize to the resolved model, check references. File reading is
 * the caller's (see adapters/fs/compose-files.ts).
 */
import { posix } from 'node:path';
import { resolveExtends } from './extends.js';
import type { LinkedDocument } from './linked-file.js';
import { resolveIncludes } from './include.js';
import { interpolateTree } from './interpolate.js';
import { mergeComposeFiles } from './merge.js';
import type { ComposeWarning, ResolvedCompose } from './model.js';
import { normalizeProject } from './normalize.js';
import { displayPath } from './service-environment.js';
import { validateComposeSchema } from './schema-validate.js';
import { lineOf, parseSourceDocument } from './source-document.js';
import { createLocator } from './source-locator.js';

export interface ComposeInput {
  /** Compose files in merge order; relative paths resolve against workingDir. */
  files: { path: string; text: string }[];
  /** Absolute project directory (the first compose file's directory). */
  workingDir: string;
  /** Variables for interpolation: shell env + .env + devenv variables, precedence already applied. */
  environment: Record<string, string>;
  /** Text of an env_file at an absolute path, or undefined when it does not exist. */
  readEnvFile: (absPath: string) => string | undefined;
  /** Text of another compose file (`extends: {file}`), or undefined when it does not exist. */
  readComposeFile?: (absPath: string) => string | undefined;
  activeProfiles: string[];
  /** Relative paths may not leave this directory (the project's git repository, else workingDir); unchecked when absent. */
  projectRoot?: string;
  /**
   * Told the variables a file's top-level `secrets:` take their values from
   * (`environment: VAR`), before anything is interpolated, so their values
   * are masked even in errors about the file.
   */
  onSecretVariables?: (names: string[]) => void;
}

/** `secrets: {x: {environment: VAR}}` -> ["VAR"], read from a parsed, not yet interpolated file. */
export function secretVariables(document: unknown): string[] {
  if (document === null || typeof document !== 'object') return [];
  const secrets = (document as Record<string, unknown>)['secrets'];
  if (secrets === null || typeof secrets !== 'object') return [];
  return Object.values(secrets as Record<string, unknown>).flatMap((spec) => {
    const name =
      spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>)['environment'] : undefined;
    return typeof name === 'string' ? [name] : [];
  });
}

export function resolveCompose(input: ComposeInput): ResolvedCompose {
  const warnings: ComposeWarning[] = [];
  const workingDir = posix.resolve(input.workingDir);
  const lookup = (name: string): string | undefined =>
    Object.hasOwn(input.environment, name) ? input.environment[name] : undefined;
  const unset = new Set<string>();

  /** Parsed, interpolated and validated against the schema. */
  const prepare = (path: string, text: string) => {
    const doc = parseSourceDocument({ path, file: displayPath(workingDir, path), text });
    input.onSecretVariables?.(secretVariables(doc.value));
    const site = { file: doc.file, lineOf: (keyPath: readonly (string | number)[]) => lineOf(doc, keyPath) };
    const value = interpolateTree(doc.value, lookup, site, {
      onUnset: (name) => {
        if (unset.has(name)) return;
        unset.add(name);
        warnings.push({
          message: `the "${name}" variable is not set; defaulting to a blank string`,
          file: doc.file,
        });
      },
    });
    validateComposeSchema(doc, value);
    return { ...doc, value };
  };
  const others = new Map<string, LinkedDocument | undefined>();
  const asExtends = (doc: ReturnType<typeof prepare>): LinkedDocument => ({
    path: doc.path,
    file: doc.file,
    value: doc.value,
    lineOf: (keyPath) => lineOf(doc, keyPath),
  });
  const load = (absPath: string): LinkedDocument | undefined => {
    if (!others.has(absPath)) {
      const text = input.readComposeFile?.(absPath);
      others.set(absPath, text === undefined ? undefined : asExtends(prepare(absPath, text)));
    }
    return others.get(absPath);
  };

  const docs = input.files.map((file) => {
    const doc = prepare(posix.resolve(workingDir, file.path), file.text);
    const value = doc.value;
    if (value !== null && typeof value === 'object' && 'version' in value) {
      warnings.push({
        message: 'the `version` key is obsolete and ignored',
        file: doc.file,
        ...(doc.lines.has('version') ? { line: doc.lines.get('version') } : {}),
        path: 'version',
      });
    }
    const withExtends = { ...asExtends(doc), value: resolveExtends(asExtends(doc), load) };
    return { ...doc, value: resolveIncludes(withExtends, load) };
  });

  const merged = mergeComposeFiles(docs);
  const project = normalizeProject(
    {
      workingDir,
      ...(input.projectRoot === undefined ? {} : { projectRoot: input.projectRoot }),
      environment: input.environment,
      readEnvFile: input.readEnvFile,
      locate: createLocator(docs),
      warn: (warning) => warnings.push(warning),
    },
    merged,
    { files: docs.map((doc) => doc.path), activeProfiles: input.activeProfiles },
  );
  return { project, warnings };
}
