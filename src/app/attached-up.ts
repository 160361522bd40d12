/**
 * `devenv up` attached: one use-case whatever draws it (the ink dashboard or
 * plain lines). It brings the stack up under an attached session (logs
 * followed, crashes and a vanished engine reported, keys as intents), warms
 * watch mode up beside it, and ends on quit, down or Ctrl-C: an ephemeral
 * stack, or one the user asked to remove, is removed; otherwise it says what
 * the engine says the stack is doing. A failed `up` is reported by its root
 * cause; a view that holds (the dashboard) keeps it on screen until quit.
 */
import { removeStack } from './down.js';
import type { AppContext } from './context.js';
import type { IntentHandler } from './intents.js';
import { rootCauseReport } from '../core/error-report.js';
import { secretValues } from '../core/redact.js';
import { startSession, type SessionEnd, type SessionOptions } from './session.js';
import type { StackOptions } from './stack-target.js';
import { stackRunState, type StackRunState } from './stack-run-state.js';
import { up, type UpOptions } from './up.js';
import type { WatchAttachment } from './watch-attachment.js';

/** What draws an attached `up`: it only renders events (the CLI routes them) and sends intents. */
export interface AttachedView {
  open(hooks: { onIntent: IntentHandler; watching: () => boolean }): void;
  close(): Promise<void>;
  /** After a failed `up`, wait for the user to quit (the dashboard keeps the error on screen). */
  readonly holdsOnFailure: boolean;
}

export interface AttachedUpOptions {
  up: UpOptions;
  /** Watch mode (affected tests, develop.watch, reconcile on template change) for these stack options. */
  watch?: StackOptions;
  ephemeral: boolean;
  /** devenv.yaml `secrets:` names. */
  declaredSecrets: readonly string[];
}

export interface AttachedOutcome {
  /** The stack's name, once it was known. */
  stack?: string;
  end: SessionEnd['kind'];
  /** Removed at the end (down, or an ephemeral stack). */
  removed: boolean;
  /** What the engine says the stack is doing, when it was kept. */
  state?: StackRunState;
  /** `up` failed (an INTERRUPTED DevenvError when quit or Ctrl-C stopped it): the caller reports it. */
  failure?: unknown;
}

export async function attachedUp(
  ctx: AppContext,
  options: AttachedUpOptions,
  view: AttachedView,
): Promise<AttachedOutcome> {
  // The session's own signal: quit must also stop an `up` still in progress.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let watch: WatchAttachment | undefined;
  // Watch mode sees every event (watcher.ready, files.changed) of the stream.
  const sessionCtx: AppContext = {
    ...ctx,
    signal: controller.signal,
    emit: (event) => {
      ctx.emit(event);
      watch?.onEvent({ ...event, time: ctx.clock.now() } as Parameters<WatchAttachment['onEvent']>[0]);
    },
  };
  const sessionOptions: SessionOptions = { upOptions: options.up, since: Math.floor(ctx.clock.now() / 1000) };
  const session = startSession(sessionCtx, sessionOptions);
  ctx.signal.addEventListener('abort', () => session.end(), { once: true });

  // Watch mode warms up (watcher, vitest) while the stack comes up.
  const watching: Promise<WatchAttachment | undefined> = options.watch
    ? import('./watch-attachment.js')
        .then(({ attachWatch }) => attachWatch(sessionCtx, { stack: options.watch!, upOptions: options.up }))
        .then(
          (attached) => {
            watch = attached;
            sessionOptions.tests = attached.tests;
            return attached;
          },
          (error: unknown) => {
            ctx.emit({
              type: 'warning',
              warning: { message: `watch mode is off: ${(error as Error).message}` },
            });
            return undefined;
          },
        )
    : Promise.resolve(undefined);
  view.open({ onIntent: (intent) => session.handle(intent), watching: () => watch?.tests.watching ?? false });

  let stack: string | undefined;
  let failure: unknown;
  const running = (async () => {
    try {
      const result = await up(sessionCtx, options.up, { onResolved: (identity) => (stack = identity.name) });
      ctx.secrets.add(secretValues(result.env, options.declaredSecrets));
      session.attach(result);
      await (await watching)?.stackReady(result.target);
    } catch (error) {
      failure = error;
      if (controller.signal.aborted) return;
      if (!view.holdsOnFailure) {
        session.end();
        return;
      }
      // "app was not started because redis failed": the banner names the root cause (redis's port taken).
      const report = rootCauseReport(error);
      ctx.emit({
        type: 'error',
        code: report.code,
        message: report.message,
        hint: report.bug
          ? `${report.hint ?? ''} Press q, then see the report printed.`
          : (report.hint ?? 'Press q to quit.'),
      });
    }
  })();

  // Attached until the session ends, even when every service has exited and no stream is left open.
  const attached = setInterval(() => undefined, 60_000);
  const end = await session.ended;
  clearInterval(attached);
  controller.abort();
  await running;
  await session.close();
  await (await watching)?.close();
  ctx.signal.removeEventListener('abort', onAbort);

  let removed = end.kind === 'down' && end.removed;
  let removal: unknown;
  if (stack !== undefined && !removed && (end.kind === 'down' || options.ephemeral)) {
    try {
      await removeStack(ctx, { stack, volumes: true });
      removed = true;
    } catch (error) {
      removal = error;
    }
  }
  await view.close();
  if (removal !== undefined) throw removal;
  const outcome: AttachedOutcome = { end: end.kind, removed };
  if (stack !== undefined) outcome.stack = stack;
  if (stack !== undefined && !removed) outcome.state = await stackRunState(ctx, stack);
  if (failure !== undefined) outcome.failure = failure;
  return outcome;
}
