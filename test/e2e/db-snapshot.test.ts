/**
 * `devenv db snapshot` on two branches' stacks of one project (real Postgres):
 * save, write, restore; names taken and unknown; rm; and a snapshot belongs
 * to its stack: the other branch never sees it, and `down -v` takes it along.
 * The two branches' stories run at the same time (each is one test, its steps
 * in order); fsync is off so the clones the background refill makes are quick.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { reapBranchPrefix, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const branchA = `${prefix}-snap-a`;
const branchB = `${prefix}-snap-b`;
let project: TempProject;

const compose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: shop_dev
      DATABASE_URL: postgresql://user:pass@postgres:5432/shop_dev
    command: ["postgres", "-c", "fsync=off"]
    ports:
      - "5432:5432"
`;

const devenvYaml = `
database:
  service: postgres
environments:
  shared:
    protected: true
`;

interface Listed {
  stack: string;
  database: string;
  snapshots: { name: string; database: string; sizeBytes: number; createdAt: string; ready: boolean }[];
}

async function up(branch: string): Promise<void> {
  const result = await devenv(project.dir, ['up', '-d', '--branch', branch]);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
}

async function databaseUrl(branch: string): Promise<string> {
  const printed = await devenv(project.dir, ['env', '--json', '--show-secrets', '--branch', branch]);
  expect(printed.exitCode, printed.stderr).toBe(0);
  return (JSON.parse(printed.stdout) as Record<string, string>)['DATABASE_URL']!;
}

/** Runs the statements in order; the rows of the last, column v. */
async function sql(url: string, ...statements: string[]): Promise<(string | null)[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows: { v: string | null }[] = [];
    for (const statement of statements) rows = (await client.query<{ v: string | null }>(statement)).rows;
    return rows.map((row) => row.v);
  } finally {
    await client.end();
  }
}

async function snapshot(branch: string, ...args: string[]) {
  return devenv(project.dir, ['db', 'snapshot', ...args, '--branch', branch]);
}

async function listed(branch: string): Promise<Listed> {
  const result = await snapshot(branch, 'ls', '--json');
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Listed;
}

beforeAll(async () => {
  project = await tempProject({ 'compose.yaml': compose, 'devenv.yaml': devenvYaml }, 'devenv-snapshot-');
  await Promise.all([up(branchA), up(branchB)]);
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('devenv db snapshot', () => {
  it.concurrent(
    'save, write, restore: what was written in between is gone; taken and unknown names; rm',
    async () => {
      const url = await databaseUrl(branchA);
      await sql(url, 'CREATE TABLE orders (v text)', `INSERT INTO orders VALUES ('before')`);
      const saved = await snapshot(branchA, 'save', 'clean');
      expect(saved.exitCode, saved.stderr).toBe(0);
      expect(saved.stdout).toMatch(/snapshot clean saved: database shop_dev, [\d.]+ MB/);
      await sql(url, `INSERT INTO orders VALUES ('after')`, 'CREATE TABLE scratch (v text)');

      const restored = await snapshot(branchA, 'restore', 'clean');
      expect(restored.exitCode, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/snapshot clean restored into database shop_dev in \d+/);
      expect(await sql(url, 'SELECT v FROM orders ORDER BY v')).toEqual(['before']);
      expect(await sql(url, `SELECT to_regclass('scratch')::text AS v`)).toEqual([null]);

      const taken = await snapshot(branchA, 'save', 'clean');
      expect(taken.exitCode).toBe(1);
      expect(taken.stderr).toContain('already has a snapshot "clean"');
      expect(taken.stderr).toContain('--force');

      expect((await snapshot(branchA, 'save', 'second')).exitCode).toBe(0);
      const unknown = await snapshot(branchA, 'restore', 'nope');
      expect(unknown.exitCode).toBe(1);
      expect(unknown.stderr).toContain('has no snapshot "nope"');
      expect(unknown.stderr).toContain('Its snapshots: clean, second.');

      const removed = await snapshot(branchA, 'rm', 'second');
      expect(removed.exitCode, removed.stderr).toBe(0);
      expect(removed.stdout).toContain('snapshot second removed');
      const ls = await listed(branchA);
      expect(ls.database).toBe('shop_dev');
      expect(ls.snapshots).toEqual([
        expect.objectContaining({ name: 'clean', database: 'shop_dev', createdAt: expect.any(String) }),
      ]);
      expect(ls.snapshots[0]!.sizeBytes).toBeGreaterThan(1_000_000);
    },
  );

  it.concurrent('a branch never sees another’s snapshots, and down -v takes them with its data', async () => {
    const saved = await snapshot(branchB, 'save', 'mine');
    expect(saved.exitCode, saved.stderr).toBe(0);
    const across = await snapshot(branchA, 'restore', 'mine');
    expect(across.exitCode).toBe(1);
    expect(across.stderr).toContain('has no snapshot "mine"');

    const down = await devenv(project.dir, ['down', '-v', '--branch', branchB]);
    expect(down.exitCode, down.stderr).toBe(0);
    await up(branchB);
    expect((await listed(branchB)).snapshots).toEqual([]);
  });

  it.concurrent(
    'refuses invalid names, asks before changing a protected environment, says to start a stopped stack',
    async () => {
      const invalid = await snapshot(branchA, 'save', 'Before Release');
      expect(invalid.exitCode).toBe(2);
      expect(invalid.stderr).toContain('Invalid snapshot name "Before Release"');
      expect(invalid.stderr).toContain('lowercase letters, digits, - and _');
      const protectedRm = await devenv(project.dir, ['db', 'snapshot', 'rm', 'clean', '--env', 'shared']);
      expect(protectedRm.exitCode).toBe(2);
      expect(protectedRm.stderr).toContain('Environment "shared" is protected');
      const stopped = await snapshot(`${prefix}-snap-none`, 'ls');
      expect(stopped.exitCode).toBe(1);
      expect(stopped.stderr).toContain('is not running');
      expect(stopped.stderr).toContain(`devenv up -d --branch ${prefix}-snap-none`);
    },
  );
});
