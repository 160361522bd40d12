/**
 * The contract for integration-test databases ("migrate once, clone many"):
 * before an integration run, the test scheduler asks for a fresh database and
 * gets the environment overrides (e.g. DATABASE_URL) that point at it
 * (implemented by app/testing/template-database).
 */
export interface TestDatabaseLease {
  /** Environment variables to inject into the test run (e.g. { DATABASE_URL: '...fresh copy...' }). */
  env: Record<string, string>;
  /** Drops the copy (called after the run, cancelled or not). */
  release(): Promise<void>;
}

export interface TestDatabaseProvider {
  /** A fresh copy of the template database, rebuilding the template first if its key changed. */
  lease(runId: string, signal: AbortSignal): Promise<TestDatabaseLease>;
  /**
   * A migration or seed file changed: the next lease computes the template's
   * key again and rebuilds the template if it differs (ready copies of the old
   * one are dropped then).
   */
  invalidate(): void;
  /** Drops what the provider keeps (ready copies, copies not released) and ends its sessions. */
  close(): Promise<void>;
}
