/**
 * Which vitest devenv drives, decided from what the project has installed:
 * the project's own when it is a major devenv knows (its test files, config
 * and plugins were written for it), else the vitest devenv ships with, with
 * the reason, so the user is told why theirs was not used.
 */

/** The vitest majors whose Node API devenv drives (their differences: vitest-majors.ts). */
export const SUPPORTED_VITEST_MAJORS = [3, 4] as const;
export type SupportedVitestMajor = (typeof SUPPORTED_VITEST_MAJORS)[number];

/** What the project has: nothing, or its vitest package's version and whether it exports `vitest/node`. */
export type ProjectVitest =
  { installed: false } | { installed: true; version: string; hasNodeEntry: boolean };

export type VitestChoice =
  { use: 'project'; major: SupportedVitestMajor } | { use: 'devenv'; reason: string };

/** The major of a version string ("3.2.4", "4.0.0-beta.1"), if it has one. */
export function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)\./.exec(version.trim());
  return match ? Number(match[1]) : undefined;
}

export function isSupportedMajor(major: number | undefined): major is SupportedVitestMajor {
  return SUPPORTED_VITEST_MAJORS.some((supported) => supported === major);
}

export function chooseVitest(project: ProjectVitest): VitestChoice {
  if (!project.installed) return { use: 'devenv', reason: 'the project has no vitest installed' };
  const major = majorOf(project.version);
  if (!isSupportedMajor(major))
    return {
      use: 'devenv',
      reason: `the project's vitest ${project.version} is not supported (devenv drives vitest ${SUPPORTED_VITEST_MAJORS.join(' and ')})`,
    };
  if (!project.hasNodeEntry)
    return {
      use: 'devenv',
      reason: `the project's vitest ${project.version} has no "vitest/node" export (its install may be incomplete)`,
    };
  return { use: 'project', major };
}
