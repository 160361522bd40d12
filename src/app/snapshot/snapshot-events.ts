/** The events of `devenv db snapshot` (part of app/events.ts's stream). */
export type SnapshotEvent =
  | {
      type: 'snapshot.saved';
      stack: string;
      snapshot: string;
      /** The database it was taken of. */
      database: string;
      sizeBytes: number;
      durationMs: number;
      /** An older snapshot of that name was replaced (--force). */
      replaced: boolean;
    }
  | {
      type: 'snapshot.restored';
      stack: string;
      snapshot: string;
      database: string;
      /** From closing the database to the snapshot's content being in place under its name. */
      durationMs: number;
      /** `ready-copy`: the ready copy was renamed into place; `clone`: the snapshot was cloned (no ready copy yet). */
      via: 'ready-copy' | 'clone';
    }
  | { type: 'snapshot.removed'; stack: string; snapshot: string };
