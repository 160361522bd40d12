/**
 * Validates one interpolated compose file against the Compose Specification
 * schema and turns Ajv's errors into one readable COMPOSE_INVALID error:
 * one line per problem, `file:line key.path: what is wrong`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DevenvError } from '../errors.js';
import * as precompiled from './compose-schema-validator.generated.js';
import { SERVICE_NAME_PATTERN } from './service-name-pattern.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { formatProblem } from './located-error.js';
import type { SourceDocument } from './source-document.js';
import { lineOf } from './source-document.js';

interface Validators {
  /** The whole document. */
  document: ValidateFunction;
  /** One service (definitions.service). */
  service: ValidateFunction;
}

/**
 * The schema compiled ahead of time (scripts/compile-compose-schema.mjs), with the
 * formats of compose-schema-formats.ts: no command pays for compiling it.
 */
function validator(): Validators {
  return {
    document: precompiled.document as unknown as ValidateFunction,
    service: precompiled.service as unknown as ValidateFunction,
  };
}

const isMappingValue = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Ajv's errors for the document. Each service is validated on its own (the
 * document with every service emptied, then each service): Ajv concatenates
 * a referenced schema's errors into a new array at each reference, quadratic
 * in the number of errors (8,000 services with a bad port took 10 s).
 */
function schemaErrors(value: unknown): ErrorObject[] {
  const { document, service } = validator();
  const services = isMappingValue(value) ? value['services'] : undefined;
  if (!isMappingValue(value) || !isMappingValue(services))
    return document(value) ? [] : [...(document.errors ?? [])];
  const names = Object.keys(services);
  const emptied = { ...value, services: Object.fromEntries(names.map((name) => [name, {}])) };
  const errors = document(emptied) ? [] : [...(document.errors ?? [])];
  // A service whose name is refused is not looked into (as the schema's patternProperties does not).
  const validName = new RegExp(SERVICE_NAME_PATTERN);
  for (const name of names.filter((name) => validName.test(name))) {
    if (service(services[name])) continue;
    const prefix = `/services/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    for (const error of service.errors ?? []) errors.push({ ...error, instancePath: `${prefix}${error.instancePath}` });
  }
  return errors;
}

export interface SchemaProblem {
  path: KeyPath;
  message: string;
  /** Where to point for the line, when not at path (an unknown key's own line). */
  linePath?: KeyPath;
}

/** The most problems one error lists (the first ones by line); the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;

/** Throws DevenvError('COMPOSE_INVALID') listing the document's problems (up to MAX_LISTED_PROBLEMS). */
export function validateComposeSchema(doc: Pick<SourceDocument, 'file' | 'lines'>, value: unknown): void {
  const errors = schemaErrors(value);
  if (errors.length === 0) return;
  const problems = selectProblems(errors, value);
  const located = problems
    .map((problem) => {
      const location = {
        file: doc.file,
        line: lineOf(doc, problem.linePath ?? problem.path),
        path: formatKeyPath(problem.path) || undefined,
      };
      return { location, text: formatProblem(location, problem.message) };
    })
    .sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  const first = located[0];
  const listed = located.slice(0, MAX_LISTED_PROBLEMS).map((p) => p.text);
  if (located.length > listed.length) listed.push(`... and ${located.length - listed.length} more`);
  const message =
    located.length === 1 && first
      ? first.text
      : `${doc.file} is not a valid compose file (${located.length} problems):\n${listed.map((text) => `  ${text}`).join('\n')}`;
  throw new DevenvError('COMPOSE_INVALID', message, {
    location: first?.location,
    details: listed,
    hint: 'see https://docs.docker.com/reference/compose-file/ for the valid keys and forms',
  });
}

/** Instance path "/services/app/ports/0" -> ['services', 'app', 'ports', 0], using the data to tell indexes from keys. */
function toKeyPath(instancePath: string, data: unknown): KeyPath {
  if (instancePath === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node =
        node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

const BRANCHING = new Set(['oneOf', 'anyOf']);

/**
 * Ajv reports every failing branch of oneOf/anyOf. Keep what a person needs:
 * drop the oneOf/anyOf summaries; where a value matched one branch's type but
 * has a specific problem (at or below it), drop the other branches' `type`
 * complaints; merge the remaining `type` errors at one place into one.
 */
export function selectProblems(errors: ErrorObject[], data: unknown): SchemaProblem[] {
  const branchPoints = new Set(errors.filter((e) => BRANCHING.has(e.keyword)).map((e) => e.instancePath));
  // Which paths have a specific error at or below them, and a type error below them: sets of the
  // errors' ancestor paths, built once (asking every error for every branch point was quadratic:
  // 5,000 services with a bad port took 20 s).
  const specificAtOrBelowPaths = new Set<string>();
  const typeErrorBelowPaths = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'type') ancestorsOf(e.instancePath).forEach((path) => typeErrorBelowPaths.add(path));
    else if (!BRANCHING.has(e.keyword)) {
      specificAtOrBelowPaths.add(e.instancePath);
      ancestorsOf(e.instancePath).forEach((path) => specificAtOrBelowPaths.add(path));
    }
  }
  const specificAtOrBelow = (path: string): boolean => specificAtOrBelowPaths.has(path);
  const typeErrorsBelow = (path: string): boolean => typeErrorBelowPaths.has(path);
  const kept = errors.filter((error) => {
    if (BRANCHING.has(error.keyword)) return false;
    if (error.keyword === 'type' && branchPoints.has(error.instancePath)) {
      return !specificAtOrBelow(error.instancePath) && !typeErrorsBelow(error.instancePath);
    }
    return true;
  });

  // Grouped in place: a copy per error was quadratic (20,000 unknown top-level keys took 17 s).
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of kept) {
    const group = byPath.get(error.instancePath);
    if (group) group.push(error);
    else byPath.set(error.instancePath, [error]);
  }
  // A oneOf whose every branch failed without a type error (rare): say so.
  const keptAtOrBelowPaths = new Set<string>();
  for (const k of kept) {
    keptAtOrBelowPaths.add(k.instancePath);
    ancestorsOf(k.instancePath).forEach((path) => keptAtOrBelowPaths.add(path));
  }
  for (const error of errors) {
    if (BRANCHING.has(error.keyword) && !keptAtOrBelowPaths.has(error.instancePath)) {
      byPath.set(error.instancePath, [error]);
    }
  }

  const problems: SchemaProblem[] = [];
  for (const [instancePath, group] of byPath) {
    const path = toKeyPath(instancePath, data);
    const seen = new Set<string>();
    const add = (message: string, linePath?: KeyPath): void => {
      if (seen.has(message)) return;
      seen.add(message);
      problems.push(linePath ? { path, message, linePath } : { path, message });
    };
    const types = group
      .filter((error) => error.keyword === 'type')
      .flatMap((error) => [error.params.type as string | string[]].flat());
    if (types.length > 0) add(`must be ${[...new Set(types)].join(' or ')}`);
    for (const error of group) {
      if (error.keyword === 'type') continue;
      const unknownKey =
        error.keyword === 'additionalProperties' ? error.params.additionalProperty : undefined;
      add(
        BRANCHING.has(error.keyword) ? 'does not match any allowed form' : describe(error),
        typeof unknownKey === 'string' ? [...path, unknownKey] : undefined,
      );
    }
  }
  return problems;
}

/** "/services/app/ports" -> ["", "/services", "/services/app"]: the instance paths strictly above it. */
function ancestorsOf(instancePath: string): string[] {
  const out: string[] = [];
  for (let i = instancePath.lastIndexOf('/'); i >= 0; i = instancePath.lastIndexOf('/', i - 1)) {
    out.push(instancePath.slice(0, i));
    if (i === 0) break;
  }
  return out;
}

/** Top-level maps whose keys are names (not keys of the specification). */
const NAMED_SECTIONS: Record<string, string> = {
  '/services': 'service',
  '/volumes': 'volume',
  '/secrets': 'secret',
  '/configs': 'config',
};

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const named = NAMED_SECTIONS[error.instancePath];
      return named
        ? `invalid ${named} name "${key}": compose allows letters, digits, ".", "_" and "-"${named === 'service' ? ', starting with a letter or digit' : ''}`
        : `unknown key "${key}"`;
    }
    case 'required':
      return `missing required key "${String(params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'uniqueItems':
      return `has duplicate entries (items ${String(params.j)} and ${String(params.i)})`;
    case 'format':
      return params.format === 'duration'
        ? 'must be a duration such as "10s", "1m30s" or "200ms"'
        : `must match format "${String(params.format)}"`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}
