/**
 * The test worker's entry (a child process forked by runner-process.ts):
 * starts the in-process vitest runner and answers devenv's calls over IPC.
 * It ends when devenv closes it or when the IPC channel goes away (devenv
 * gone), and ignores the terminal's Ctrl-C, which devenv handles for both.
 */
import { isDevenvError } from '../../core/errors.js';
import type { TestRunner } from '../../contracts/test-runner.js';
import type { FromWorker, ToWorker, WireError } from './runner-protocol.js';
import { startVitestRunner } from './vitest-runner.js';

const send = (message: FromWorker) => {
  if (process.connected) process.send?.(message);
};

function wireError(error: unknown): WireError {
  if (isDevenvError(error)) {
    return {
      message: error.message,
      code: error.code,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      details: error.details,
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

let runner: TestRunner | undefined;
let starting: Promise<TestRunner> | undefined;

async function call(message: Extract<ToWorker, { kind: 'call' }>, active: TestRunner): Promise<unknown> {
  switch (message.method) {
    case 'listTestFiles':
      return { files: await active.listTestFiles(), fullRunFiles: active.fullRunFiles() };
    case 'importChains':
      return active.importChains(...message.args);
    case 'run':
      return active.run({
        files: message.args[0],
        onFileResult: (result) => send({ kind: 'file-result', id: message.id, result }),
        onRunError: (error) => send({ kind: 'run-error', id: message.id, error }),
        onProgress: (progress) => send({ kind: 'progress', id: message.id, progress }),
      });
    case 'cancel':
      return active.cancel();
    case 'close':
      return active.close();
  }
}

async function onMessage(message: ToWorker): Promise<void> {
  if (message.kind === 'start') {
    starting = startVitestRunner({
      ...message.options,
      log: (line) => send({ kind: 'log', line }),
    });
    try {
      runner = await starting;
      send({
        kind: 'ready',
        root: runner.root,
        fullRunFiles: runner.fullRunFiles(),
        ...(runner.tool ? { tool: runner.tool } : {}),
      });
    } catch (error) {
      send({ kind: 'start-failed', error: wireError(error) });
      process.exitCode = 1;
      process.disconnect();
    }
    return;
  }
  const active = runner ?? (await starting);
  if (!active) return;
  if (message.kind === 'invalidate') {
    active.invalidate(message.files);
    return;
  }
  try {
    const value = await call(message, active);
    send({ kind: 'result', id: message.id, value });
  } catch (error) {
    send({ kind: 'failure', id: message.id, error: wireError(error) });
  }
  if (message.method === 'close') {
    runner = undefined;
    process.disconnect();
  }
}

// Ctrl-C reaches the whole process group; devenv decides when the worker ends.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
// devenv gone (or done with us): nothing else keeps a worker alive.
process.on('disconnect', () => {
  void (async () => {
    await runner?.close().catch(() => undefined);
    process.exit();
  })();
});
process.on('message', (message: ToWorker) => void onMessage(message));
