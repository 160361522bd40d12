/**
 * The engine's pull and build progress streams (JSON events), followed in one
 * place: a stream that could not start, an error event, a broken stream and
 * an interruption each end as a DevenvError the caller words.
 */
import type { ProgressUpdate } from '../../../contracts/engine.js';
import { DevenvError } from '../../../core/errors.js';
import { engineFault, engineMessage, isConnectionFailure, unreachableError } from '../engine-errors.js';
import { isAbort, type ClientContext } from './client-context.js';

/** One JSON event of the engine's pull/build progress stream. */
export interface ProgressEvent {
  id?: string;
  status?: string;
  stream?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

export function progressUpdate(event: ProgressEvent, status: string): ProgressUpdate {
  const update: ProgressUpdate = { status };
  if (event.id !== undefined) update.id = event.id;
  if (event.progressDetail?.current !== undefined) update.current = event.progressDetail.current;
  if (event.progressDetail?.total !== undefined) update.total = event.progressDetail.total;
  return update;
}

export interface ProgressOperation {
  /** Asks the engine for the stream. */
  start(): Promise<NodeJS.ReadableStream>;
  /** Every event that is not an error. */
  onEvent(event: ProgressEvent): void;
  signal?: AbortSignal;
  /** The INTERRUPTED message ("Pull of x was interrupted."). */
  interrupted: string;
  /** The operation's own error, for an engine message (`cause` when the engine failed, not an error event). */
  failed(message: string, cause?: unknown): DevenvError;
  /** What the operation does, for an engine fault's message ("build image x"); the stream's last lines, for its details. */
  action?: string;
  lastLines?: () => string[];
}

/** Runs a progress stream to its end; the last error event, if any, fails it. */
export async function followProgress(context: ClientContext, operation: ProgressOperation): Promise<void> {
  const { signal } = operation;
  const interrupted = (cause: unknown) => new DevenvError('INTERRUPTED', operation.interrupted, { cause });
  // The engine's disk full (or pools exhausted) is that, whatever step met it: the engine, or a RUN's output.
  const failed = (message: string, cause?: unknown): DevenvError =>
    (operation.action === undefined
      ? undefined
      : engineFault(operation.action, message, cause, operation.lastLines?.() ?? [])) ??
    operation.failed(message, cause);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await operation.start();
  } catch (error) {
    if (isAbort(error, signal)) throw interrupted(error);
    if (isConnectionFailure(error)) throw unreachableError(context.endpoint.endpoint, error);
    throw failed(engineMessage(error), error);
  }
  let streamError: string | undefined;
  await new Promise<void>((resolve, reject) => {
    context.modem.followProgress(
      stream,
      (error) => {
        if (error) {
          reject(isAbort(error, signal) ? interrupted(error) : failed(engineMessage(error), error));
        } else if (streamError !== undefined) reject(failed(streamError));
        else resolve();
      },
      (event) => {
        if (event.error !== undefined || event.errorDetail !== undefined) {
          streamError = (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
        } else {
          operation.onEvent(event);
        }
      },
    );
  });
}
