/**
 * Builds in progress on this machine, recorded while they run so that what an
 * interrupted one leaves (its committed intermediate images, untagged and
 * unlabelled: the builder labels only the final image) can be found and
 * removed by `gc` and `down`. A build's record goes when it succeeds; it stays
 * when the build failed, was interrupted, or its process was killed. The journal
 * is this machine's, whatever engine a build ran on: each record names its engine,
 * so only that engine's `gc` or `down` acts on it (and drops it).
 */

export interface BuildRecord {
  id: string;
  stack: string;
  /** The tag being built. */
  tag: string;
  /** The engine's endpoint (EngineInfo.endpoint); absent in records of older versions. */
  engine?: string;
  pid: number;
  host: string;
  /** When the build started (ISO time). */
  startedAt: string;
  /** Image ids the build committed, in order (not cached steps, not base images). */
  images: string[];
  /** The build ended without an image (failed or interrupted). */
  failed: boolean;
  /** Its process still runs (on another host: assumed to). */
  live: boolean;
}

export interface BuildInProgress {
  /** The engine committed an image for one of the build's steps. */
  committed(imageId: string): void;
  /** The build produced its image: the record goes. */
  succeeded(): Promise<void>;
  /** The build ended without an image: the record stays, for gc/down to remove what it committed. */
  failed(): Promise<void>;
}

export interface BuildJournal {
  begin(stack: string, tag: string, engine: string): Promise<BuildInProgress>;
  list(): Promise<BuildRecord[]>;
  remove(id: string): Promise<void>;
}
