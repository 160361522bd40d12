/**
 * Counts the bytes passing through on their way (a dump to its file, a file
 * to the load) and says how far it got every few seconds of a long one.
 */
import { PassThrough } from 'node:stream';
import type { AppContext } from '../context.js';

const EVERY_MS = 5_000;

export interface ProgressMeter extends PassThrough {
  readonly bytes: number;
}

export function progressMeter(ctx: AppContext, action: 'dump' | 'load', totalBytes?: number): ProgressMeter {
  const meter = new PassThrough({ highWaterMark: 256 * 1024 }) as PassThrough & { bytes: number };
  meter.bytes = 0;
  let last = ctx.clock.now();
  meter.on('data', (chunk: Buffer) => {
    meter.bytes += chunk.length;
    const now = ctx.clock.now();
    if (now - last < EVERY_MS) return;
    last = now;
    ctx.emit({
      type: 'database.progress',
      action,
      bytes: meter.bytes,
      ...(totalBytes === undefined ? {} : { totalBytes }),
    });
  });
  return meter;
}
