/**
 * What differs between the vitest majors devenv drives (3 and 4) in the
 * parts of the Node API the runner uses, behind one shape, so the runner
 * has no version branches. Checked against vitest 3.2's code; everything
 * else the runner uses (createVitest, globTestSpecifications,
 * runTestSpecifications, cancelCurrentRun, invalidateFile,
 * project.matchesTestGlob, the reporter's onTestModuleEnd / onUserConsoleLog,
 * TestModule) has the same shape in both.
 *
 * Known behaviour difference left as is: in vitest 3 only the first
 * cancelCurrentRun of a run reaches the pool (its listeners are spent), so a
 * cancelled run ends when the tests already running end; vitest 4 stops the
 * workers on a repeat.
 */
import type { Vitest } from 'vitest/node';
import type { SupportedVitestMajor } from './vitest-choice.js';

/** vitest 3.2's Vitest where 4's types differ. */
interface Vitest3 {
  /** The queue of files to re-import: public (deprecated) in 3, where `watcher` is private; gone in 4. */
  readonly invalidates: Set<string>;
}

export interface VitestMajorApi {
  readonly major: SupportedVitestMajor;
  /**
   * Files whose modules the next run's test workers must import afresh
   * (vitest hands them to the pool and clears the set as a run starts).
   */
  invalidationQueue(vitest: Vitest): Set<string>;
}

const vitest3: VitestMajorApi = {
  major: 3,
  invalidationQueue: (vitest) => (vitest as unknown as Vitest3).invalidates,
};

const vitest4: VitestMajorApi = {
  major: 4,
  invalidationQueue: (vitest) => vitest.watcher.invalidates,
};

export function vitestMajorApi(major: SupportedVitestMajor): VitestMajorApi {
  return major === 3 ? vitest3 : vitest4;
}
