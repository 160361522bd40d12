/**
 * Security, through the real CLI and engine, one project with secrets per
 * environment (devenv.yaml secrets from secrets.<env>.env, the shell, .env's
 * secret-looking variables, compose `secrets:` from a file and from a variable,
 * a secret interpolated into a URL under a name that does not look secret):
 *
 * - secret scan: a full session in each environment (dev, test, staging, prod:
 *   up -d plain and --json, ls, env plain and --json, config, logs, doctor
 *   --json, an up whose error quotes a secret; in dev also `devenv test`, the
 *   attached dashboard in tmux with every byte it wrote, and a preview's up/ls
 *   --json) and every byte printed is searched for every value, URL-encoded and
 *   base64 forms too: 0 hits (`devenv env --show-secrets`, asked for, prints them
 *   and is checked to, but is not part of the scan);
 * - compose `secrets:` are files in the container, nowhere in `docker inspect`;
 * - port audit: every port published by a container of these stacks, the
 *   preview and its proxy is on loopback, a template's `host_ip: 0.0.0.0`
 *   included (kept on loopback, with a note), but a stack up with `--host-ip 0.0.0.0`.
 */
import { execa } from 'execa';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, type CliResult } from '../../support/cli.js';
import { containerExec } from '../../support/container-exec.js';
import {
  docker,
  reapBranchPrefix,
  resourcesWhere,
  runPrefix,
  removeProxies,
} from '../../support/engine-state.js';
import { vitestProject, type TempProject } from '../../support/projects.js';
import { freePort } from '../../support/proxy-http.js';
import { EXITED, tmuxServer } from '../../support/tmux-dashboard.js';
import { writeSecurityStats } from './security-stats.js';

const prefix = runPrefix();
const branch = `${prefix}-scan`;
const previewBranch = `${prefix}-pv`;
const openBranch = `${prefix}-open`;
const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;

/** Distinct values, with characters URL encoding changes, so an encoded form would differ. */
const fileSecret = (env: string) => `apitok-${env}-Q7x/9+z@k:${env.length}e1`;
const SHELL_SECRET = 'shellsec-5e1d:c0ffee/9';
const DB_PASSWORD = 'dbpw-77f1e2&b=c d';
const SERVICE_TOKEN = 'svctok-31c9d2e8-env';
const FILE_CONTENT = 'filesecret-aa91b3c2?x=1';
const secretValues = [
  ...ENVIRONMENTS.map(fileSecret),
  SHELL_SECRET,
  DB_PASSWORD,
  SERVICE_TOKEN,
  FILE_CONTENT,
];

/** The forms devenv could print a value in: as is, URL-encoded (connection URLs), base64 (API payloads). */
function forms(value: string): string[] {
  return [
    ...new Set([value, encodeURIComponent(value), Buffer.from(value).toString('base64').replace(/=+$/, '')]),
  ];
}

const devenvYaml = `
secrets:
  API_TOKEN:
    description: read from secrets.<env>.env
    required: [staging, prod]
    from: [file]
  SHELL_SECRET:
    from: [env]
`;

// The app prints everything it got at start, as a careless app would, so logs carry every value.
const compose = `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    environment:
      API_TOKEN: "\${API_TOKEN:-}"
      SHELL_SECRET: "\${SHELL_SECRET}"
      DB_PASSWORD: "\${DB_PASSWORD}"
      UPSTREAM: "https://svc:\${API_TOKEN:-none}@upstream.invalid/"
      PLAIN_COPY: "\${SERVICE_TOKEN}"
    secrets: [svc_token, from_file]
    ports: ["6379"]
    entrypoint: ["sh", "-c", "echo boot $$API_TOKEN $$SHELL_SECRET $$DB_PASSWORD $$UPSTREAM $$PLAIN_COPY; cat /run/secrets/*; echo; exec redis-server --protected-mode no"]
  web:
    image: \${NODE_IMAGE:-node:20}
    command: ["node", "-e", "require('http').createServer((q, s) => s.end('ok ' + process.env.WEB_TOKEN)).listen(3000, () => console.log('web', process.env.WEB_TOKEN))"]
    environment:
      WEB_TOKEN: "\${SERVICE_TOKEN}"
    ports: ["3000"]
secrets:
  svc_token:
    environment: SERVICE_TOKEN
  from_file:
    file: ./secret.txt
`;

const openCompose = `
services:
  open:
    image: \${REDIS_IMAGE:-redis:7}
    ports:
      - { target: 6379, host_ip: 0.0.0.0 }
      - "6380"
`;

const unitTest = `import { expect, it } from 'vitest';
it('prints and fails with secrets', () => {
  console.log('token in test', process.env.SHELL_SECRET, process.env.DB_PASSWORD);
  expect(process.env.SHELL_SECRET).toBe('not the secret');
});
`;

let project: TempProject;
const cache = await mkdtemp(join(tmpdir(), 'devenv-secscan-cache-'));
const proxyPort = await freePort();
const terminal = tmuxServer(`devenv-sec-${prefix}`);
const printed: { what: string; text: string }[] = [];
const baseEnv = {
  SHELL_SECRET,
  DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
  DEVENV_PROXY_PORT: String(proxyPort),
  XDG_CACHE_HOME: cache,
};

async function run(what: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await devenv(project.dir, args, { ...baseEnv, ...env });
  printed.push({ what, text: result.stdout + result.stderr });
  return result;
}

const git = (...args: string[]) => execa('git', args, { cwd: project.dir });

beforeAll(async () => {
  project = await vitestProject(
    {
      'devenv.yaml': devenvYaml,
      'compose.yaml': compose,
      'open.yaml': openCompose,
      'bad-port.yaml':
        'services:\n  app:\n    image: ${REDIS_IMAGE:-redis:7}\n    ports: ["${API_TOKEN}:80"]\n',
      'secret.txt': FILE_CONTENT,
      '.env': `DB_PASSWORD="${DB_PASSWORD}"\nSERVICE_TOKEN=${SERVICE_TOKEN}\n`,
      '.gitignore': 'secrets.*.env\n.env\nnode_modules\n',
      'package.json': '{ "name": "secscan", "private": true, "type": "module" }\n',
      'test/unit/leak.test.ts': unitTest,
      ...Object.fromEntries(
        ENVIRONMENTS.map((env) => [`secrets.${env}.env`, `API_TOKEN=${fileSecret(env)}\n`]),
      ),
    },
    'devenv-secscan-',
  );
  for (const env of ENVIRONMENTS) await chmod(join(project.dir, `secrets.${env}.env`), 0o600);
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('add', '.');
  await git('commit', '-qm', 'main');
  await git('branch', previewBranch);
}, 180_000);

afterAll(async () => {
  await terminal.kill();
  await devenv(project.dir, ['preview', 'rm', previewBranch], baseEnv);
  await reapBranchPrefix(prefix);
  await removeProxies(proxyPort);
  await project.remove();
  await rm(cache, { recursive: true, force: true });
}, 180_000);

/** Every published port of a container: [container name, host ip, host port]. */
async function publishedPorts(ids: string[]): Promise<{ name: string; ip: string; port: string }[]> {
  const ports: { name: string; ip: string; port: string }[] = [];
  for (const id of ids) {
    const info = await docker.getContainer(id).inspect();
    for (const bindings of Object.values(info.NetworkSettings.Ports ?? {}))
      for (const binding of bindings ?? [])
        ports.push({ name: info.Name, ip: binding.HostIp, port: binding.HostPort });
    // What was asked for, too (a port not yet bound shows only there).
    for (const bindings of Object.values(info.HostConfig.PortBindings ?? {}) as { HostIp: string }[][])
      for (const binding of bindings ?? [])
        if (binding.HostIp === '') ports.push({ name: info.Name, ip: '(all interfaces)', port: '' });
  }
  return ports;
}

describe('secrets, published ports (real engine)', () => {
  it('a full session in each environment', async () => {
    for (const env of ENVIRONMENTS) {
      const flags = ['--env', env, '--branch', branch];
      const tag = (what: string) => `${env}: ${what}`;
      if (env === 'prod') {
        // An unwritten prod is protected and never started on a local engine: its refusal is scanned.
        const refused = await run(tag('up -d'), ['up', '-d', ...flags]);
        expect(refused.exitCode).not.toBe(0);
        for (const args of [['config'], ['config', '--json'], ['env'], ['doctor', '--json']])
          await run(tag(args.join(' ')), [...args, ...flags]);
        continue;
      }
      const up = await run(tag('up -d --json'), ['up', '-d', '--json', ...flags]);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      const plain = await run(tag('up -d'), ['up', '-d', ...flags]);
      expect(plain.exitCode, plain.stderr).toBe(0);
      for (const args of [
        ['ls'],
        ['ls', '--json'],
        ['env'],
        ['env', '--json'],
        ['config'],
        ['config', '--json'],
        ['logs'],
        ['logs', 'app', '--tail', '50'],
        ['doctor', '--json'],
      ]) {
        const shown = await run(tag(args.join(' ')), [...args, ...flags]);
        if (args[0] !== 'doctor') expect(shown.exitCode, `${args.join(' ')}: ${shown.stderr}`).toBe(0);
      }
      // Asked for, the values in full (not scanned: the one output whose job is them), and the same
      // command without the flag masked them: each secret the stack's environment holds is there.
      const unmasked = await devenv(project.dir, ['env', '--show-secrets', ...flags], baseEnv);
      expect(unmasked.exitCode, unmasked.stderr).toBe(0);
      const masked = printed.find((entry) => entry.what === tag('env'))!.text;
      for (const value of [fileSecret(env), SHELL_SECRET, DB_PASSWORD, SERVICE_TOKEN]) {
        expect(unmasked.stdout).toContain(value);
        expect(masked).not.toContain(value);
      }
      expect(masked).toContain('Add --show-secrets to print them');
      const failed = await run(tag('up quoting a secret'), [
        'up',
        '-d',
        '-f',
        'bad-port.yaml',
        '--env',
        env,
        '--branch',
        `${branch}-bad`,
      ]);
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain('****');
    }
    // The app printed every value in its logs: what devenv showed of them is masked, not missing.
    const logs = printed.find((entry) => entry.what === 'dev: logs app --tail 50')!.text;
    expect(logs).toMatch(
      /boot \*\*\*\* \*\*\*\* \*\*\*\* https:\/\/svc:\*\*\*\*@upstream.invalid\/ \*\*\*\*/,
    );
    expect(logs).toContain('****');
  });

  it('devenv test output, the attached dashboard (tmux) and a preview', async () => {
    const test = await run('dev: devenv test --unit', ['test', '--unit', '--branch', branch]);
    expect(test.exitCode).toBe(1);
    expect(test.stdout + test.stderr).toContain('token in test');
    const testJson = await run('dev: devenv test --unit --json', [
      'test',
      '--unit',
      '--json',
      '--branch',
      branch,
    ]);
    expect(testJson.exitCode).toBe(1);

    const session = `${prefix}-tui`;
    const record = join(project.dir, 'dashboard.bytes');
    await terminal.start({
      session,
      dir: project.dir,
      args: ['up', '--branch', branch],
      size: { columns: 140, rows: 45 },
      env: { ...baseEnv },
      record,
    });
    printed.push({
      what: 'dashboard',
      text: await terminal.waitForScreen(session, (t) => /app\s.*✔/.test(t) || /ready \d/.test(t), 'ready'),
    });
    await terminal.sendKeys(session, 'e');
    printed.push({
      what: 'dashboard env',
      text: await terminal.waitForScreen(session, (t) => t.includes('DB_PASSWORD'), 'the host environment'),
    });
    await terminal.sendKeys(session, 'Escape');
    await terminal.sendKeys(session, 'q');
    printed.push({
      what: 'dashboard end',
      text: await terminal.waitForScreen(session, (t) => t.includes(EXITED), 'exit'),
    });
    printed.push({ what: 'dashboard bytes', text: await readFile(record, 'utf8') });

    // The worktree has no .env (git does not track it): the shell gives what the template needs.
    const preview = await run('preview up --json', ['preview', 'up', previewBranch, '--json'], {
      SERVICE_TOKEN,
      DB_PASSWORD,
    });
    expect(preview.exitCode, preview.stdout + preview.stderr).toBe(0);
    await run('preview ls --json', ['preview', 'ls', '--json']);
    await run('preview logs', ['preview', 'logs', previewBranch], { SERVICE_TOKEN, DB_PASSWORD });
    const proxied = await run('up -d --proxy', ['up', '-d', '--proxy', '--branch', branch]);
    expect(proxied.exitCode, proxied.stderr).toBe(0);
    await run('env (proxied)', ['env', '--branch', branch]);
  });

  it('compose secrets are files in the container and nowhere in docker inspect', async () => {
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const app = containers.find(
      (c) => c.Labels['dev.devenv.service'] === 'app' && !c.Labels['dev.devenv.environment'],
    );
    expect(app, 'the dev stack app container').toBeDefined();
    expect(await containerExec(app!.Id, ['cat', '/run/secrets/svc_token'])).toBe(SERVICE_TOKEN);
    expect(await containerExec(app!.Id, ['cat', '/run/secrets/from_file'])).toBe(FILE_CONTENT);
    const inspect = JSON.stringify(await docker.getContainer(app!.Id).inspect());
    const web = containers.find(
      (c) => c.Labels['dev.devenv.service'] === 'web' && !c.Labels['dev.devenv.environment'],
    );
    // The template put SERVICE_TOKEN into environment under another name (PLAIN_COPY, WEB_TOKEN): that stays the
    // template's choice; the secret files' values must be nowhere else.
    expect(inspect).not.toContain(FILE_CONTENT);
    const withoutEnv = JSON.stringify({
      ...(await docker.getContainer(app!.Id).inspect()),
      Config: { Env: [] },
    });
    for (const value of [SERVICE_TOKEN, FILE_CONTENT]) expect(withoutEnv).not.toContain(value);
    expect(web).toBeDefined();
    writeSecurityStats('compose-secrets', { containersInspected: 1, secretFilesChecked: 2 });
  });

  it('every published port is on loopback but those of a stack up with --host-ip 0.0.0.0', async () => {
    // The template asks for all interfaces (host_ip 0.0.0.0): devenv keeps it on loopback and says so.
    const open = await run('up open.yaml', ['up', '-d', '-f', 'open.yaml', '--branch', openBranch]);
    expect(open.exitCode, open.stderr).toBe(0);
    expect(open.stdout + open.stderr).toContain('instead of 0.0.0.0');
    const openIds = (await resourcesWhere(`dev.devenv.branch=${openBranch}`)).containers.map((c) => c.Id);
    const kept = await publishedPorts(openIds);
    expect(kept.map((p) => p.ip)).toEqual(['127.0.0.1', '127.0.0.1']);
    // Configured on the command line: every port of that stack on all interfaces.
    const configuredUp = await run('up open.yaml --host-ip 0.0.0.0', [
      'up',
      '-d',
      '-f',
      'open.yaml',
      '--host-ip',
      '0.0.0.0',
      '--branch',
      openBranch,
    ]);
    expect(configuredUp.exitCode, configuredUp.stderr).toBe(0);
    const mine = (await resourcesWhere('dev.devenv.stack')).containers.filter((c) =>
      (c.Labels['dev.devenv.branch'] ?? '').startsWith(prefix),
    );
    const proxies = await docker.listContainers({
      filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${proxyPort}`] }),
    });
    expect(proxies.length).toBe(1);
    expect(mine.some((c) => c.Labels['dev.devenv.preview'] === 'true')).toBe(true);
    const ports = await publishedPorts([...mine, ...proxies].map((c) => c.Id));
    const configured = ports.filter((p) => p.name.includes(openBranch.toLowerCase()) && p.ip === '0.0.0.0');
    const notLoopback = ports.filter((p) => p.ip !== '127.0.0.1' && p.ip !== '::1');
    const unconfigured = notLoopback.filter((p) => !configured.includes(p));
    writeSecurityStats('ports', {
      containers: mine.length + proxies.length,
      portsAudited: ports.length,
      notLoopback: notLoopback.length,
      notLoopbackConfigured: configured.length,
      notLoopbackUnconfigured: unconfigured.length,
      templateWildcardKeptOnLoopback: kept.length,
    });
    expect(configured.length, JSON.stringify(ports)).toBe(2);
    expect(unconfigured, JSON.stringify(ports)).toEqual([]);
    expect(ports.length).toBeGreaterThanOrEqual(8);
  });

  it('nothing printed holds a secret value, as is, URL-encoded or base64', async () => {
    const down = await run('down -v', ['down', '-v', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    for (const env of ['test', 'staging'])
      await run(`${env}: down -v`, ['down', '-v', '--env', env, '--branch', branch]);
    const hits: string[] = [];
    let bytes = 0;
    for (const { what, text } of printed) {
      bytes += Buffer.byteLength(text);
      for (const value of secretValues)
        for (const form of forms(value)) if (text.includes(form)) hits.push(`${what}: ${form}`);
    }
    writeSecurityStats('secret-scan', {
      environments: ENVIRONMENTS.length,
      outputs: printed.length,
      bytesScanned: bytes,
      secretValues: secretValues.length,
      formsPerValue: 3,
      hits: hits.length,
      envOutputs: printed.filter(({ what }) => /(^|: )env( --json| \(proxied\))?$/.test(what)).length,
    });
    console.log(`secret scan: ${printed.length} outputs, ${bytes} bytes, ${hits.length} hits`);
    expect(printed.length).toBeGreaterThanOrEqual(50);
    expect(hits).toEqual([]);
  });
});
