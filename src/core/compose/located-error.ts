import { DevenvError, type DevenvErrorOptions, type ErrorCode, type SourceLocation } from '../errors.js';

/** "compose.yaml:7 services.app.ports[0]: must be string or number" */
export function formatProblem(location: SourceLocation | undefined, what: string): string {
  if (!location) return what;
  const where = location.line === undefined ? location.file : `${location.file}:${location.line}`;
  return location.path ? `${where} ${location.path}: ${what}` : `${where}: ${what}`;
}

/** A DevenvError about one place in a compose file; the message starts with that place. */
export function locatedError(
  code: ErrorCode,
  location: SourceLocation | undefined,
  what: string,
  options: Omit<DevenvErrorOptions, 'location'> = {},
): DevenvError {
  return new DevenvError(code, formatProblem(location, what), { ...options, location });
}
