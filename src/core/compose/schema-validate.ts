/**
 * Validates one interpolated compose file against the Compose Specification
 * schema and turns Ajv's errors into one readable COMPOSE_INVALID error:
 * one line per problem, `file:line key.path: what is wrong`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DevenvError } from '../errors.js';
import precompiled from './compose-schema-validator.generated.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { formatProblem } from './located-error.js';
import type { SourceDocument } from './source-document.js';
import { lineOf } from './source-document.js';

/**
 * The schema compiled ahead of time (scripts/compile-compose-schema.mjs), with the
 * formats of compose-schema-formats.ts: no command pays for compiling it.
 */
const validate = precompiled as unknown as ValidateFunction;

export interface SchemaProblem {
  path: KeyPath;
  message: string;
  /** Where to point for the line, when not at path (an unknown key's own line). */
  linePath?: KeyPath;
}

/** Throws DevenvError('COMPOSE_INVALID') listing every problem of the document. */
export function validateComposeSchema(doc: Pick<SourceDocument, 'file' | 'lines'>, value: unknown): void {
  if (validate(value)) return;
  const problems = selectProblems(validate.errors ?? [], value);
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
  const message =
    located.length === 1 && first
      ? first.text
      : `${doc.file} is not a valid compose file (${located.length} problems):\n${located.map((p) => `  ${p.text}`).join('\n')}`;
  throw new DevenvError('COMPOSE_INVALID', message, {
    location: first?.location,
    details: located.map((p) => p.text),
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
  const specificAtOrBelow = (path: string): boolean =>
    errors.some(
      (e) =>
        e.keyword !== 'type' &&
        !BRANCHING.has(e.keyword) &&
        (e.instancePath === path || e.instancePath.startsWith(`${path}/`)),
    );
  const typeErrorsBelow = (path: string): boolean =>
    errors.some((e) => e.keyword === 'type' && e.instancePath.startsWith(`${path}/`));
  const kept = errors.filter((error) => {
    if (BRANCHING.has(error.keyword)) return false;
    if (error.keyword === 'type' && branchPoints.has(error.instancePath)) {
      return !specificAtOrBelow(error.instancePath) && !typeErrorsBelow(error.instancePath);
    }
    return true;
  });

  const byPath = new Map<string, ErrorObject[]>();
  for (const error of kept)
    byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  // A oneOf whose every branch failed without a type error (rare): say so.
  for (const error of errors) {
    if (BRANCHING.has(error.keyword) && !kept.some((k) => k.instancePath.startsWith(error.instancePath))) {
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
