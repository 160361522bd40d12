/** Streams of many bytes for exec and dump tests: made as they are read, hashed as they arrive. */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';

/** `size` bytes that are not all alike, made as they are read. */
export function generatedBytes(size: number, chunk = 256 * 1024): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const length = Math.min(chunk, size - sent);
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i += 4096) bytes.writeUInt32BE((sent + i) >>> 0, i);
      sent += length;
      this.push(bytes);
    },
  });
}

/** A destination that hashes and counts what it is given. */
export function hashingSink(): Writable & { digest(): string; bytes: number; text(): string } {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      sink.bytes += chunk.length;
      if (sink.bytes <= 4096) kept.push(chunk);
      done();
    },
  }) as Writable & { digest(): string; bytes: number; text(): string };
  sink.bytes = 0;
  sink.digest = () => hash.copy().digest('hex');
  sink.text = () => Buffer.concat(kept).toString('utf8');
  return sink;
}

export async function digestOf(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
