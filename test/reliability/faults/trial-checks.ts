/**
 * What the fault trials check after a kill, shared by the files of
 * test/reliability/faults: a branch's labelled resources, and for a stack
 * operation, nothing unlabelled, one container per service, `up -d` resumes
 * and `down -v` leaves nothing.
 */
import { devenv } from '../../support/cli.js';
import { containerExec } from '../../support/container-exec.js';
import { resourcesWhere } from '../../support/engine-state.js';
import { duplicateServices, inventory, unlabelledSince, type TrialRecord } from './fault-harness.js';

export const byBranch = (branch: string) => resourcesWhere(`dev.devenv.branch=${branch}`);

/** What is left of a branch, one line a resource. */
export async function leftovers(branch: string): Promise<string[]> {
  const left = await byBranch(branch);
  return [
    ...left.containers.map((c) => `container ${c.Names.join(',')}`),
    ...left.networks.map((n) => `network ${n.Name}`),
    ...left.volumes.map((v) => `volume ${v.Name}`),
  ];
}

/** Checks a stack of `services` containers after a kill: unlabelled, duplicates, up resumes, down leaves nothing. */
export async function checkStack(
  dir: string,
  branch: string,
  record: TrialRecord,
  before: Awaited<ReturnType<typeof inventory>>,
  isOurs: (name: string) => boolean,
  services = 2,
): Promise<void> {
  const unlabelled = await unlabelledSince(before, isOurs);
  record.unlabelled = unlabelled.ours;
  record.unattributedUnlabelled = unlabelled.others;
  record.invariants['no unlabelled resource'] = unlabelled.ours.length === 0;
  record.duplicates = duplicateServices((await byBranch(branch)).containers);
  const up = await devenv(dir, ['up', '-d', '--branch', branch]);
  if (up.exitCode !== 0) record.notes.push(`up after the kill: ${up.exitCode} ${up.stderr.slice(-400)}`);
  const after = (await byBranch(branch)).containers;
  record.duplicates.push(...duplicateServices(after));
  record.invariants['no duplicate container'] = record.duplicates.length === 0;
  record.invariants['up resumes'] =
    up.exitCode === 0 && after.length === services && after.every((c) => c.State === 'running');
  const down = await devenv(dir, ['down', '-v', '--branch', branch]);
  record.leaked = await leftovers(branch);
  record.invariants['down leaves nothing'] = down.exitCode === 0 && record.leaked.length === 0;
}

/** psql in a container as `user`; the output, or throws with it. */
export async function psql(container: string, user: string, database: string, sql: string): Promise<string> {
  const marker = '__exit__';
  const output = await containerExec(container, [
    'sh',
    '-c',
    `psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$0" -d "$1" -c "$2"; echo ${marker}$?`,
    user,
    database,
    sql,
  ]);
  const code = output.slice(output.lastIndexOf(marker) + marker.length).trim();
  if (code !== '0') throw new Error(`psql ${sql} failed:\n${output}`);
  return output.slice(0, output.lastIndexOf(marker)).trim();
}
