/**
 * Counts the bytes passing through on their way (a dump to its file, a file
 * to the load) and says how far it got every few seconds of a long one. It
 * counts as it passes bytes on, so nothing flows before a reader is there.
 */
import { Transform } from 'node:stream';
import type { AppContext } from '../context.js';

const EVERY_MS = 5_000;

export interface ProgressMeter extends Transform {
  readonly bytes: number;
}

export function progressMeter(ctx: AppContext, action: 'dump' | 'load', totalBytes?: number): ProgressMeter {
  let bytes = 0;
  let last = ctx.clock.now();
  const meter = new Transform({
    highWaterMark: 256 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      const now = ctx.clock.now();
      if (now - last >= EVERY_MS) {
        last = now;
        ctx.emit({
          type: 'database.progress',
          action,
          bytes,
          ...(totalBytes === undefined ? {} : { totalBytes }),
        });
      }
      done(null, chunk);
    },
  });
  return Object.defineProperty(meter, 'bytes', { get: () => bytes }) as ProgressMeter;
}
