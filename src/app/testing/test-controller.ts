/**
 * The contract between watch mode and whoever drives it (the attached `up`,
 * the ink UI's keys `t`, `f`, `w`): running watch-mode tests (app/testing/test-scheduler).
 */
export interface TestController {
  /** Run every test file (unit and integration). */
  runAll(): Promise<void>;
  /** Rerun the files that failed in the last run. */
  rerunFailed(): Promise<void>;
  /** Turn reacting to file changes on or off. */
  setWatching(on: boolean): void;
  readonly watching: boolean;
  /** Stop watching, cancel a run in progress, release the runner. */
  close(): Promise<void>;
}
