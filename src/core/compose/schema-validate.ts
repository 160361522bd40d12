/**
 * Validates one interpolated compose file against the Compose Specification
 * schema and turns Ajv's errors into one readable COMPOSE_INVALID error:
 * one line per problem, `file:line key.path: what is wrong`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DevenvError } from '../errors.js';
import { composeSchema } from './compose-schema.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { formatProblem } from './located-error.js';
import { isValidDuration } from './duration.js';
import type { SourceDocument } from './source-document.js';
import { lineOf } from './source-document.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      formats: {
        duration: { type: 'string', validate: isValidDuration },
        // Port and subnet syntax is checked, with better messages, during normalization.
        ports: true,
        expose: true,
        subnet_ip_address: true,
      },
    });
    compiled = ajv.compile(composeSchema());
  }
  return compiled;
}

export interface SchemaProblem {
  path: KeyPath;
  message: string;
  /** Where to point for the line, when not at path (an unknown key's own line). */
  linePath?: KeyPath;
}

/** Throws DevenvError('COMPOSE_INVALID') listing every problem of the document. */
export function validateComposeSchema(doc: Pick<SourceDocument, 'file' | 'lines'>, value: unknown): void {
  const validate = validator();
  if (validate(value)) return;
  const problems = selectProblems(validate.errors ?? [], value);
  const located = problems.map((problem) => {
    const location = { file: doc.file, line: lineOf(doc, problem.linePath ?? problem.path), path: formatKeyPath(problem.path) };
    return { location, text: formatProblem({ ...location, path: location.path || undefined }, problem.message) };
  });
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
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

/**
 * Ajv reports every failing branch of oneOf/anyOf. Keep what a person needs:
 * drop the oneOf/anyOf summaries, keep only the deepest errors of a branch,
 * drop `type` complaints where a branch of the right type has a specific
 * problem, merge the remaining `type` errors at one place into one.
 */
export function selectProblems(errors: ErrorObject[], data: unknown): SchemaProblem[] {
  const paths = errors.map((error) => error.instancePath);
  const deepest = errors.filter(
    (error) => !paths.some((other) => other.startsWith(`${error.instancePath}/`)),
  );
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of deepest) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);

  const problems: SchemaProblem[] = [];
  for (const [instancePath, group] of byPath) {
    const path = toKeyPath(instancePath, data);
    const specific = group.filter((error) => !['type', 'oneOf', 'anyOf', 'not'].includes(error.keyword));
    const seen = new Set<string>();
    const add = (message: string, linePath?: KeyPath): void => {
      if (seen.has(message)) return;
      seen.add(message);
      problems.push(linePath ? { path, message, linePath } : { path, message });
    };
    if (specific.length > 0) {
      for (const error of specific) {
        const unknownKey = error.keyword === 'additionalProperties' ? error.params.additionalProperty : undefined;
        add(describe(error), typeof unknownKey === 'string' ? [...path, unknownKey] : undefined);
      }
    } else {
      const types = group
        .filter((error) => error.keyword === 'type')
        .flatMap((error) => [error.params.type as string | string[]].flat());
      add(types.length > 0 ? `must be ${[...new Set(types)].join(' or ')}` : 'does not match any allowed form');
    }
  }
  return problems;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(params.additionalProperty)}"`;
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
