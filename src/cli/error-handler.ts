/**
 * The one place errors become output: a DevenvError prints its message,
 * location, details and next step; anything else is a bug to report.
 */
import { DevenvError, formatLocation } from '../core/errors.js';
import { redactUrlPasswords } from '../core/redact.js';

export function renderError(error: unknown, json: boolean): { text: string; exitCode: number } {
  if (error instanceof DevenvError) {
    if (json) {
      return {
        exitCode: error.exitCode,
        text: JSON.stringify({
          type: 'error',
          code: error.code,
          message: error.message,
          hint: error.hint,
          location: error.location,
          details: error.details.map(redactUrlPasswords),
        }),
      };
    }
    // Messages about a template usually name file:line themselves; add the location only when they do not.
    const where = error.location ? formatLocation(error.location) : undefined;
    const named =
      error.location && error.message.includes(`${error.location.file}:${error.location.line ?? ''}`);
    const lines = [`Error: ${where && !named ? `${where}: ` : ''}${error.message}`];
    // Details the message already lists (a compose file's problems) are not printed twice.
    for (const detail of error.details)
      if (!error.message.includes(detail)) lines.push(`  ${redactUrlPasswords(detail)}`);
    if (error.hint) lines.push(`What to do: ${error.hint}`);
    return { text: lines.join('\n'), exitCode: error.exitCode };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const text = [
    'devenv hit an unexpected error. This is a bug in devenv, not in your project.',
    'Please report it with the output below and the command you ran.',
    '',
    redactUrlPasswords(detail),
  ].join('\n');
  return {
    text: json
      ? JSON.stringify({
          type: 'error',
          code: 'BUG',
          message: error instanceof Error ? error.message : String(error),
        })
      : text,
    exitCode: 70,
  };
}
