/**
 * Reading the engine's attach/logs/exec output: without a TTY it is multiplexed
 * in frames (8-byte header: stream type, 3 zero bytes, big-endian payload size);
 * with a TTY it is raw. Either way it ends up as whole lines per stream.
 */
import { StringDecoder } from 'node:string_decoder';

export type OutputStreamName = 'stdout' | 'stderr';

/** Splits a byte stream into lines (without "\n" or "\r\n"), keeping UTF-8 sequences whole across chunks. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (text: string) => void) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      this.onLine(this.pending.slice(0, newline).replace(/\r$/, ''));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
  }

  /** Emits a last line that had no newline. */
  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.onLine(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}

/** Splits the engine's multiplexed stream into per-stream payloads. Frames may straddle chunks. */
export class FrameDemuxer {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly onPayload: (stream: OutputStreamName, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 8) {
      const size = this.buffered.readUInt32BE(4);
      if (this.buffered.length < 8 + size) break;
      const type = this.buffered[0];
      const payload = this.buffered.subarray(8, 8 + size);
      this.buffered = this.buffered.subarray(8 + size);
      // 0 is stdin (echoed back with a TTY-less attach), 1 stdout, 2 stderr.
      this.onPayload(type === 2 ? 'stderr' : 'stdout', payload);
    }
  }
}

/**
 * Turns raw engine output into lines per stream. `multiplexed` is false for
 * TTY containers, whose output is all stdout.
 */
export class OutputLines {
  private readonly splitters: Record<OutputStreamName, LineSplitter>;
  private readonly demuxer: FrameDemuxer | undefined;

  constructor(multiplexed: boolean, onLine: (stream: OutputStreamName, text: string) => void) {
    this.splitters = {
      stdout: new LineSplitter((text) => onLine('stdout', text)),
      stderr: new LineSplitter((text) => onLine('stderr', text)),
    };
    this.demuxer = multiplexed
      ? new FrameDemuxer((stream, payload) => this.splitters[stream].push(payload))
      : undefined;
  }

  push(chunk: Buffer): void {
    if (this.demuxer) this.demuxer.push(chunk);
    else this.splitters.stdout.push(chunk);
  }

  end(): void {
    this.splitters.stdout.flush();
    this.splitters.stderr.flush();
  }
}
