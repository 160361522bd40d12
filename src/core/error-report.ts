/**
 * The one mapping from anything thrown to what a user is told: a DevenvError
 * keeps its code, message, hint, details and location; anything else is a
 * bug (code BUG, exit 70) with a hint to report it. The CLI's error handler,
 * the attached session's error events and the dashboard's banner all use it.
 */
import { DevenvError, type SourceLocation } from './errors.js';

export interface ErrorReport {
  code: string;
  message: string;
  hint?: string;
  details: string[];
  location?: SourceLocation;
  exitCode: number;
  /** Not a DevenvError: a defect in devenv, with its stack trace for the report. */
  bug?: { stack: string };
}

export const BUG_HINT =
  'This looks like a bug in devenv; please report it with the command you ran and the output.';

export function reportError(error: unknown): ErrorReport {
  if (error instanceof DevenvError)
    return {
      code: error.code,
      message: error.message,
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
      details: error.details,
      ...(error.location ? { location: error.location } : {}),
      exitCode: error.exitCode,
    };
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'BUG',
    message,
    hint: BUG_HINT,
    details: [],
    exitCode: 70,
    bug: { stack: error instanceof Error ? (error.stack ?? message) : message },
  };
}

/**
 * The error a user should see first: the innermost DevenvError of a chain of
 * causes ("app was not started because redis failed" -> redis's port taken),
 * with the outer message kept as context.
 */
export function rootCauseReport(error: unknown): ErrorReport {
  let root = error;
  while (root instanceof DevenvError && root.cause instanceof DevenvError) root = root.cause;
  const report = reportError(root);
  if (root !== error && error instanceof Error) report.message = `${report.message} (${error.message})`;
  return report;
}
