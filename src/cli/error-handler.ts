/**
 * The one place errors become CLI output: the report (core/error-report.ts)
 * printed as a paragraph with its location, details and next step, or as one
 * JSON object; a bug prints its stack trace to report.
 */
import { formatLocation } from '../core/errors.js';
import { reportError } from '../core/error-report.js';
import { redactUrlPasswords } from '../core/redact.js';
import { escapeControls } from '../ui/ink/terminal-text.js';

export function renderError(error: unknown, json: boolean): { text: string; exitCode: number } {
  const report = reportError(error);
  if (json) {
    return {
      exitCode: report.exitCode,
      text: JSON.stringify({
        type: 'error',
        code: report.code,
        message: report.message,
        hint: report.hint,
        location: report.location,
        details: report.details.map(redactUrlPasswords),
      }),
    };
  }
  if (report.bug) {
    const text = [
      'devenv hit an unexpected error. This is a bug in devenv, not in your project.',
      'Please report it with the output below and the command you ran.',
      '',
      redactUrlPasswords(report.bug.stack),
    ].join('\n');
    return { text, exitCode: report.exitCode };
  }
  // Messages about a template usually name file:line themselves; add the location only when they do not.
  const { location } = report;
  const where = location ? formatLocation(location) : undefined;
  const named = location && report.message.includes(`${location.file}:${location.line ?? ''}`);
  const lines = [`Error: ${where && !named ? `${where}: ` : ''}${report.message}`];
  // Details the message already lists (a compose file's problems) are not printed twice.
  for (const detail of report.details)
    if (!report.message.includes(detail)) lines.push(`  ${redactUrlPasswords(detail)}`);
  if (report.hint) lines.push(`What to do: ${report.hint}`);
  // A message may quote what a file holds (a key, a value, a line of an env_file): shown escaped, never
  // interpreted by the terminal.
  return { text: escapeControls(lines.join('\n')), exitCode: report.exitCode };
}
