/**
 * The real CLI on projects of hostile values (test/reliability/hostile-input.test.ts
 * has the cases at the layers that decide): a service named with a command
 * substitution, a bind mount and an env_file climbing out of the project, a
 * branch full of shell metacharacters, a name holding a terminal escape.
 * Nothing is executed (the marker file never appears), nothing outside the
 * project is read or mounted, each refusal names its file, line and key, and
 * the terminal gets no raw control characters.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';

const { prefix, project } = e2eWorkspace();
const marker = join(tmpdir(), `devenv-hostile-${process.pid}-${Date.now()}`);
const touch = `$(touch ${marker})`;
const redis = '    image: ${REDIS_IMAGE:-redis:7}\n';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

describe('hostile input through the CLI', () => {
  it('refuses or sanitizes every hostile value: nothing runs, nothing escapes, each error names its place', async () => {
    expect(existsSync(marker)).toBe(false);

    const named = await project({
      'compose.yaml': `services:\n  "${touch}":\n${redis}    command: ["sh", "-c", "touch ${marker}"]\n`,
    });
    const up = await devenv(named.dir, ['up', '-d', '--branch', `${prefix}-named`]);
    expect(up.exitCode, up.stderr).toBe(1);
    expect(up.stderr).toContain(`compose.yaml:2 services: invalid service name "${touch}"`);

    const mount = await project({
      'compose.yaml': `services:\n  app:\n${redis}    volumes: ["../../../../../etc:/host-etc"]\n`,
    });
    const mounted = await devenv(mount.dir, ['up', '-d', '--branch', `${prefix}-mount`]);
    expect(mounted.exitCode, mounted.stderr).toBe(1);
    expect(mounted.stderr).toContain(
      'compose.yaml:4 services.app.volumes[0]: the bind mount "../../../../../etc" leaves the project (it resolves to /etc',
    );

    const envFile = await project({
      'compose.yaml': `services:\n  app:\n${redis}    env_file: ../../../../../etc/passwd\n`,
    });
    const config = await devenv(envFile.dir, ['config']);
    expect(config.exitCode, config.stderr).toBe(1);
    expect(config.stderr).toContain(
      'compose.yaml:4 services.app.env_file: the env_file "../../../../../etc/passwd"',
    );
    expect(config.stdout + config.stderr).not.toContain('root:x:0');

    const plain = await project({ 'compose.yaml': `services:\n  app:\n${redis}` });
    const branch = `${prefix}-${touch};\`touch ${marker}\`|x`;
    const configured = await devenv(plain.dir, ['config', '--branch', branch]);
    expect(configured.exitCode, configured.stderr).toBe(0);

    const escaped = await project({ 'compose.yaml': `services:\n  "a\\e[2J\\e]0;pwned\\u0007b":\n${redis}` });
    const refused = await devenv(escaped.dir, ['config']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      'compose.yaml:2 services: invalid service name "a\\u001b[2J\\u001b]0;pwned\\u0007b"',
    );
    expect(refused.stderr.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);

    expect(existsSync(marker)).toBe(false);
  });
});
