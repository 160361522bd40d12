/**
 * Finding the anonymization stamp in a plain dump read in chunks, without
 * holding the dump: until the stamp's statement shows up, only the start of
 * the current line is kept (as long as the longest marker). From a line that
 * starts with one of STAMP_MARKERS, that line and the next (a COPY's data
 * row) are collected, then read with readAnonymizationStamp.
 */
import { STAMP_MARKERS } from './anonymization-stamp.js';

const MARKERS = STAMP_MARKERS.map((marker) => Buffer.from(marker));
const LONGEST = Math.max(...MARKERS.map((marker) => marker.length));
const NEWLINE = 0x0a;
/** A stamp statement longer than this is not one devenv wrote: what was collected is read as it is. */
export const MAX_STAMP_BYTES = 4 * 1024 * 1024;

export class StampScanner {
  /** The current line's first bytes; undefined when the line cannot be a marker's. */
  private lineStart: Buffer | undefined = Buffer.alloc(0);
  private collected: Buffer[] | undefined;
  private collectedBytes = 0;
  private lines = 0;

  /** The stamp statement's text once it is complete; undefined: feed more. */
  push(chunk: Buffer): string | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.collected) return this.collect(chunk, offset);
      const newline = chunk.indexOf(NEWLINE, offset);
      const lineEnd = newline === -1 ? chunk.length : newline;
      if (this.lineStart) {
        const take = Math.min(LONGEST - this.lineStart.length, lineEnd - offset);
        const start = Buffer.concat([this.lineStart, chunk.subarray(offset, offset + take)]);
        if (
          MARKERS.some(
            (marker) => start.length >= marker.length && start.subarray(0, marker.length).equals(marker),
          )
        ) {
          this.collected = [start];
          this.collectedBytes = start.length;
          offset += take;
          continue;
        }
        const couldBe = MARKERS.some((marker) => marker.subarray(0, start.length).equals(start));
        this.lineStart = couldBe && newline === -1 ? start : undefined;
      }
      if (newline === -1) return undefined;
      offset = newline + 1;
      this.lineStart = Buffer.alloc(0);
    }
    return undefined;
  }

  /** At the end of the dump: the stamp statement's text when one started, else undefined. */
  end(): string | undefined {
    return this.collected ? Buffer.concat(this.collected).toString('utf8') : undefined;
  }

  private collect(chunk: Buffer, offset: number): string | undefined {
    let end = offset;
    while (this.lines < 2) {
      const newline = chunk.indexOf(NEWLINE, end);
      if (newline === -1) {
        end = chunk.length;
        break;
      }
      this.lines++;
      end = newline + 1;
    }
    this.collected!.push(chunk.subarray(offset, end));
    this.collectedBytes += end - offset;
    if (this.lines >= 2 || this.collectedBytes > MAX_STAMP_BYTES) return this.end();
    return undefined;
  }
}
