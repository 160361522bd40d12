/**
 * A bounded ring of log lines, kept outside React and outside the JS heap's
 * object graph: the text of every line is UTF-8 in one preallocated byte
 * ring, and the per-line facts (where its bytes are, which service, which
 * stream) sit in typed arrays. A flood of lines then costs a copy of bytes
 * per line and no object that outlives it, so the garbage collector has
 * nothing to promote and memory stays flat; the logs pane decodes only the
 * lines it shows (and a search decodes what it scans).
 */
export interface LogEntry {
  seq: number;
  service: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogQuery {
  /** Only this service's lines. */
  service?: string;
  /** Case-insensitive substring. */
  search?: string;
}

export const DEFAULT_LOG_CAPACITY = 5000;
/** Average bytes a line may use before older lines go for lack of bytes rather than of slots. */
const BYTES_PER_LINE = 200;

export class LogBuffer {
  private readonly bytes: Buffer;
  private readonly start: Uint32Array;
  private readonly length: Uint32Array;
  private readonly serviceOf: Uint16Array;
  private readonly stderr: Uint8Array;
  private readonly services: string[] = [];
  private readonly serviceIndex = new Map<string, number>();
  /** Sequence number of the oldest line still held. */
  private oldest = 0;
  private total = 0;
  /** Where the next line's bytes go. */
  private head = 0;

  constructor(
    readonly capacity = DEFAULT_LOG_CAPACITY,
    byteCapacity = capacity * BYTES_PER_LINE,
  ) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(byteCapacity, 4096));
    this.start = new Uint32Array(capacity);
    this.length = new Uint32Array(capacity);
    this.serviceOf = new Uint16Array(capacity);
    this.stderr = new Uint8Array(capacity);
  }

  /** Lines ever pushed (also the version the pane renders from). */
  get pushed(): number {
    return this.total;
  }

  get size(): number {
    return this.total - this.oldest;
  }

  push(service: string, stream: 'stdout' | 'stderr', text: string): void {
    const ring = this.bytes.length;
    let size = Buffer.byteLength(text);
    if (size > ring) size = 0; // cannot happen with bounded lines; keep the slot, drop the text
    let from = this.head;
    // Wrapping leaves the end of the ring unused; lines still there are older than any at its start.
    let wrappedFrom = ring;
    if (from + size > ring) {
      wrappedFrom = from;
      from = 0;
    }
    const to = from + size;
    // Drop, oldest first, the lines whose bytes this one overwrites (or leaves behind), and the one whose slot it takes.
    while (this.oldest < this.total) {
      const slot = this.oldest % this.capacity;
      const begin = this.start[slot] as number;
      const end = begin + (this.length[slot] as number);
      const overwritten = begin < to && (end > from || begin >= from);
      if (!overwritten && begin < wrappedFrom && this.total - this.oldest < this.capacity) break;
      this.oldest += 1;
    }
    const slot = this.total % this.capacity;
    if (size > 0) this.bytes.write(text, from, size, 'utf8');
    this.start[slot] = from;
    this.length[slot] = size;
    this.serviceOf[slot] = this.indexOf(service);
    this.stderr[slot] = stream === 'stderr' ? 1 : 0;
    this.head = to;
    this.total += 1;
  }

  private indexOf(service: string): number {
    let index = this.serviceIndex.get(service);
    if (index === undefined) {
      index = this.services.length;
      this.services.push(service);
      this.serviceIndex.set(service, index);
    }
    return index;
  }

  private textAt(slot: number): string {
    const begin = this.start[slot] as number;
    return this.bytes.toString('utf8', begin, begin + (this.length[slot] as number));
  }

  /**
   * Up to `count` matching lines, oldest first, ending `skip` matching lines
   * before the newest (skip 0: the tail). `matched` counts every match, for the scroll position.
   */
  window(query: LogQuery, count: number, skip = 0): { lines: LogEntry[]; matched: number } {
    const needle = query.search?.toLowerCase();
    const service = query.service === undefined ? undefined : this.serviceIndex.get(query.service);
    const lines: LogEntry[] = [];
    if (query.service !== undefined && service === undefined) return { lines, matched: 0 };
    let matched = 0;
    for (let seq = this.total - 1; seq >= this.oldest; seq--) {
      const slot = seq % this.capacity;
      if (service !== undefined && this.serviceOf[slot] !== service) continue;
      const text = needle || (matched >= skip && lines.length < count) ? this.textAt(slot) : undefined;
      if (needle && !(text as string).toLowerCase().includes(needle)) continue;
      matched += 1;
      if (matched > skip && lines.length < count) {
        lines.push({
          seq,
          service: this.services[this.serviceOf[slot] as number] as string,
          stream: this.stderr[slot] ? 'stderr' : 'stdout',
          text: text as string,
        });
      }
    }
    return { lines: lines.reverse(), matched };
  }
}
