/**
 * Files that configure the test runner itself (which tests exist, how they
 * run): a change to one needs a new runner instance, not only a rerun.
 * Setup files are not among them: they are imported again on every run.
 */
const RUNNER_CONFIG =
  /(^|\/)(vitest|vite)\.(workspace\.|projects\.)?config\.(c|m)?(j|t)s$|(^|\/)vitest\.workspace\.(c|m)?(j|t)s$/;

export function isRunnerConfig(file: string, declared?: string): boolean {
  return file === declared || RUNNER_CONFIG.test(file);
}
