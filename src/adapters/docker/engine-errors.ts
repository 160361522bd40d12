/**
 * The border between dockerode's errors and devenv's: every failure of an
 * engine call becomes a DevenvError with the engine's own words and a next step.
 */
import { DevenvError, isDevenvError } from '../../core/errors.js';

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
