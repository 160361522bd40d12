/**
 * What an e2e file sets up again and again: a run prefix for its branches,
 * temp projects, and after all its tests the stacks of those branches reaped
 * (even when a test failed half-way) and the projects removed.
 */
import { afterAll } from 'vitest';
import { reapBranchPrefix, runPrefix } from './engine-state.js';
import { tempProject, type TempProject } from './projects.js';

export interface E2eWorkspace {
  /** Start every branch name with it: teardown reaps by it. */
  prefix: string;
  project(files: Record<string, string>, dirPrefix?: string): Promise<TempProject>;
}

export function e2eWorkspace(): E2eWorkspace {
  const prefix = runPrefix();
  const projects: TempProject[] = [];
  afterAll(async () => {
    await reapBranchPrefix(prefix);
    await Promise.all(projects.map((p) => p.remove()));
  });
  return {
    prefix,
    async project(files, dirPrefix) {
      const created = await tempProject(files, dirPrefix);
      projects.push(created);
      return created;
    },
  };
}
