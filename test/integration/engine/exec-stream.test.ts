/**
 * The streaming exec on the real engine beyond the contract: 50 MB through a
 * command's stdin and back with this process's memory bounded (nothing is
 * held but what is in flight), a slow destination holding the command back
 * instead of piling its output up here, and an abort that ends the process
 * in the container, not only the connection.
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, generatedBytes, hashingSink } from '../../support/byte-streams.js';
import { startTestRun, waitFor, type TestRun } from './test-run.js';

const MB = 1024 * 1024;
let run: TestRun;
let container: string;

beforeAll(async () => {
  run = await startTestRun('exec-stream');
  container = await run.engine.createContainer(run.container({ name: run.name('stream') }));
  await run.engine.startContainer(container);
});

afterAll(async () => {
  await run.cleanup();
});

/** A full collection on demand (the flag is set at run time; vitest's workers do not start with it). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The largest growth of live memory (heap and buffers) over the start seen while `work` runs, every 250 ms (each sample is two full collections). */
async function peakLiveGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const gc = collector();
  const live = () => {
    // Twice: buffers freed by the first are only reclaimed by the next.
    gc();
    gc();
    const now = process.memoryUsage();
    return now.heapUsed + now.arrayBuffers;
  };
  const baseline = live();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, live() - baseline)), 250);
  try {
    const result = await work();
    return { result, growth: peak };
  } finally {
    clearInterval(timer);
  }
}

describe('streaming exec on the Docker engine', () => {
  it('moves 50 MB through stdin and back intact, holding only what is in flight', async () => {
    const size = 50 * MB;
    const sink = hashingSink();
    const started = Date.now();
    const { result, growth } = await peakLiveGrowth(() =>
      run.engine.execStream(container, ['cat'], { stdin: generatedBytes(size), stdout: sink }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(result).toMatchObject({ exitCode: 0, stdinBytes: size, stdoutBytes: size });
    expect(sink.digest()).toBe(await digestOf(generatedBytes(size)));
    // Buffered whole, 50 MB in and 50 MB out would show here.
    expect(growth).toBeLessThan(8 * MB);
    console.log(
      `exec stream (sampling memory meanwhile): 50 MB in and out in ${seconds.toFixed(2)} s (${(50 / seconds).toFixed(0)} MB/s each way), live memory +${(growth / MB).toFixed(1)} MB`,
    );
  });

  it('holds the command back while the destination is slow', async () => {
    let taken = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, done) {
        taken += chunk.length;
        setTimeout(done, 2);
      },
    });
    const { result, growth } = await peakLiveGrowth(() =>
      run.engine.execStream(container, ['head', '-c', String(8 * MB), '/dev/zero'], { stdout: slow }),
    );
    expect(result).toMatchObject({ exitCode: 0, stdoutBytes: 8 * MB });
    // The destination is the caller's to end: what it still buffers is written then.
    slow.end();
    await finished(slow);
    expect(taken).toBe(8 * MB);
    expect(growth).toBeLessThan(8 * MB);
  });

  it('ends the process in the container when aborted, and leaves no pid file', async () => {
    const controller = new AbortController();
    const sink = hashingSink();
    const running = run.engine.execStream(container, ['sh', '-c', 'echo started; exec sleep 321'], {
      stdout: sink,
      signal: controller.signal,
    });
    await waitFor('the command to start', async () => sink.text() === 'started\n', 10_000, 20);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'INTERRUPTED' });
    const left = await run.engine.exec(container, [
      'sh',
      '-c',
      // One line per process; the pattern does not match this command itself.
      'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " <"$f"; echo; done | grep -c "sleep 32[1]"; ls /tmp | grep -c devenv-exec',
    ]);
    expect(left.output.trim().split('\n')).toEqual(['0', '0']);
  });
});
