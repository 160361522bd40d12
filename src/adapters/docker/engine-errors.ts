/**
 * The border between dockerode's errors and devenv's: every failure of an
 * engine call becomes a DevenvError with the engine's own words and a next step.
 */
import {
  addressPoolsExhaustedError,
  diskFullError,
  isAddressPoolsExhaustedMessage,
  isDiskFullMessage,
} from '../../core/engine-faults.js';
import { DevenvError, isDevenvError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { Labels } from '../../core/stack/labels.js';

/** What docker-modem attaches to its errors (HTTP status and decoded body) and Node adds to socket errors. */
interface ModemErrorShape {
  statusCode?: number;
  json?: unknown;
  code?: string;
  address?: string;
  message?: string;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EPERM',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

function shape(error: unknown): ModemErrorShape {
  return typeof error === 'object' && error !== null ? (error as ModemErrorShape) : {};
}

/** HTTP status of an engine answer, when the engine answered. */
export function engineStatus(error: unknown): number | undefined {
  return shape(error).statusCode;
}

/** The engine's own message ("No such container: x"), without docker-modem's "(HTTP code 404) ..." wrapping. */
export function engineMessage(error: unknown): string {
  const { json, message } = shape(error);
  if (
    typeof json === 'object' &&
    json !== null &&
    typeof (json as { message?: unknown }).message === 'string'
  ) {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  if (typeof message === 'string') return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  return String(error);
}

/** True when the socket itself failed (no engine answered), as opposed to the engine answering with an error. */
export function isConnectionFailure(error: unknown): boolean {
  const { statusCode, code } = shape(error);
  return statusCode === undefined && code !== undefined && unreachableCodes.has(code);
}

export function unreachableError(endpoint: string, error: unknown): DevenvError {
  const { code } = shape(error);
  const denied = code === 'EACCES' || code === 'EPERM';
  return new DevenvError(
    'ENGINE_UNREACHABLE',
    `The Docker engine at ${endpoint} does not answer (${code ?? engineMessage(error)}).`,
    {
      hint: denied
        ? 'Your user may not access the Docker socket: add it to the docker group (sudo usermod -aG docker $USER, then log in again) or set DOCKER_HOST.'
        : 'Start the engine (sudo systemctl start docker, or open Docker Desktop / run `colima start`), or point DOCKER_HOST at a running one.',
      cause: error,
    },
  );
}

/**
 * Translates any error of an engine call. `action` says what devenv was doing,
 * e.g. "create container app-1", and starts the message.
 */
export function translateEngineError(error: unknown, action: string, endpoint: string): DevenvError {
  if (isDevenvError(error)) return error;
  if (isConnectionFailure(error)) return unreachableError(endpoint, error);
  const status = engineStatus(error);
  const message = engineMessage(error);
  const fault = engineFault(action, message, error);
  if (fault) return fault;
  let hint =
    'Check the engine with `docker info`; if the message above does not explain it, see the engine logs (journalctl -u docker).';
  if (status === 404)
    hint =
      'The engine does not know this object: it may have been removed outside devenv. Run the command again.';
  else if (status === 409)
    hint =
      'Another object with this name or state is in the way: `devenv down` then `devenv up` recreates the stack.';
  else if (status === 401 || status === 403)
    hint = 'The engine refused the request: check your permissions on the engine and registry.';
  return new DevenvError('ENGINE_ERROR', `Could not ${action}: ${message}`, { hint, cause: error });
}

/**
 * A fault of the engine's machine (its disk full, its address pools exhausted)
 * in the engine's words, wherever it surfaced; undefined for anything else.
 */
export function engineFault(
  action: string,
  message: string,
  cause: unknown,
  details: string[] = [],
): DevenvError | undefined {
  if (isDiskFullMessage(message) || details.some(isDiskFullMessage))
    return diskFullError(action, message, { details, cause });
  if (isAddressPoolsExhaustedMessage(message)) return addressPoolsExhaustedError(action, message, cause);
  return undefined;
}

/** The object whose name a create collided with (409), as the engine describes it. */
export interface NameHolder {
  kind: 'container' | 'network';
  name: string;
  /** The holder's labels. */
  labels: Record<string, string>;
  /** The stack devenv was creating the object for. */
  stack: string | undefined;
}

/**
 * A create refused because the name is taken: the next step depends on whose
 * object holds it. devenv never removes an object without its labels, so for
 * a foreign one it says how the user can remove it.
 */
export function nameConflictError(error: unknown, action: string, holder: NameHolder): DevenvError {
  const owner = holder.labels[Labels.stack];
  const name = shellQuote(holder.name);
  let what: string;
  let hint: string;
  if (owner === undefined) {
    what = `a ${holder.kind} named ${holder.name} already exists and was not created by devenv (it has no ${Labels.stack} label)`;
    const remove = holder.kind === 'container' ? `docker rm -f ${name}` : `docker network rm ${name}`;
    hint = `devenv never removes what it did not create. If you do not need that ${holder.kind}, remove it with \`${remove}\` and run the command again; otherwise pick another stack name with --branch or --stack.`;
  } else if (owner !== holder.stack) {
    what = `a ${holder.kind} named ${holder.name} already exists and belongs to devenv stack ${owner}`;
    hint = `Remove that stack with \`devenv down --stack ${shellQuote(owner)}\`, or pick another stack name with --branch or --stack.`;
  } else {
    what = `a ${holder.kind} named ${holder.name} of this stack is in the way (${engineMessage(error)})`;
    hint = '`devenv down` then `devenv up` recreates the stack.';
  }
  return new DevenvError('ENGINE_ERROR', `Could not ${action}: ${what}`, { hint, cause: error });
}
