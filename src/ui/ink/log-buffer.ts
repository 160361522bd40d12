/**
 * A bounded ring of log lines, kept outside React: a flood of lines costs a
 * write into a fixed array, and the logs pane reads only the lines it shows.
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

export class LogBuffer {
  private readonly entries: (LogEntry | undefined)[];
  private next = 0;
  private total = 0;

  constructor(readonly capacity = DEFAULT_LOG_CAPACITY) {
    this.entries = new Array<LogEntry | undefined>(capacity);
  }

  /** Lines ever pushed (also the version the pane renders from). */
  get pushed(): number {
    return this.total;
  }

  get size(): number {
    return Math.min(this.total, this.capacity);
  }

  push(service: string, stream: 'stdout' | 'stderr', text: string): void {
    this.entries[this.next] = { seq: this.total, service, stream, text };
    this.next = (this.next + 1) % this.capacity;
    this.total += 1;
  }

  /**
   * Up to `count` matching lines, oldest first, ending `skip` matching lines
   * before the newest (skip 0: the tail). `matched` counts every match, for the scroll position.
   */
  window(query: LogQuery, count: number, skip = 0): { lines: LogEntry[]; matched: number } {
    const needle = query.search?.toLowerCase();
    const lines: LogEntry[] = [];
    let matched = 0;
    for (let i = 1; i <= this.size; i++) {
      const entry = this.entries[(this.next - i + this.capacity) % this.capacity];
      if (!entry) continue;
      if (query.service !== undefined && entry.service !== query.service) continue;
      if (needle && !entry.text.toLowerCase().includes(needle)) continue;
      matched += 1;
      if (matched > skip && lines.length < count) lines.push(entry);
    }
    return { lines: lines.reverse(), matched };
  }
}
