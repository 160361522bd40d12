/**
 * A secret given by an environment variable: in the container at
 * /run/secrets/<name>, and nowhere in what devenv prints.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const branch = `${prefix}-secrets`;
const value = 'tok-e2e-9f8e7d6c';
let project: TempProject | undefined;

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project?.remove();
});

const compose = `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    secrets: [api_token]
    configs:
      - source: banner
        target: /etc/banner
secrets:
  api_token:
    environment: API_TOKEN
configs:
  banner:
    content: welcome
`;

async function exec(id: string, command: string[]): Promise<string> {
  const run = await docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await run.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  // Multiplexed frames: drop the 8-byte headers.
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    out.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(out).toString('utf8');
}

describe('secrets from the environment', () => {
  it('reach the container as files and never show in the output', async () => {
    project = await tempProject({ 'compose.yaml': compose });
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch, '--json'], { API_TOKEN: value });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout + up.stderr).not.toContain(value);
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const id = containers[0]!.Id;
    expect(await exec(id, ['cat', '/run/secrets/api_token'])).toBe(value);
    expect(await exec(id, ['cat', '/etc/banner'])).toBe('welcome');

    const config = await devenv(project.dir, ['config', '--branch', branch], { API_TOKEN: value });
    expect(config.exitCode, config.stderr).toBe(0);
    expect(config.stdout).toContain('environment: API_TOKEN');
    expect(config.stdout).not.toContain(value);

    const missing = await devenv(project.dir, ['up', '-d', '--branch', `${branch}-x`]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('secrets.api_token takes its value from API_TOKEN, which is not set');
  });
});
