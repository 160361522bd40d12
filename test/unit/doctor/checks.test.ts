/** `devenv doctor`'s verdicts: given what was observed, the verdict, what was seen and the exact fix. */
import { describe, expect, it } from 'vitest';
import {
  addressPoolsCheck,
  atLeast,
  DEFAULT_ADDRESS_POOLS,
  diskCheck,
  engineCheck,
  engineStartCommand,
  gitCheck,
  imagesCheck,
  inotifyCheck,
  inotifyTarget,
  networksLeft,
  nodeCheck,
  portsCheck,
  secretsCheck,
  stacksCheck,
  summarize,
  vitestCheck,
  type EngineObservation,
  type SecretsObservation,
} from '../../../src/core/doctor/checks.js';

const GiB = 1024 ** 3;

const engineBase: Omit<EngineObservation, 'attempts'> = {
  source: 'the usual sockets',
  user: 'ada',
  processGroups: ['ada'],
  databaseGroups: [],
};

describe('node', () => {
  it('compares versions by number, not as text', () => {
    expect(atLeast('20.19.0', '20.19.0')).toBe(true);
    expect(atLeast('20.9.0', '20.19.0')).toBe(false);
    expect(atLeast('22.1.0', '20.19.0')).toBe(true);
    expect(atLeast('v20.18.3', '20.19.0')).toBe(false);
  });

  it('fails an old Node with the version to install', () => {
    const check = nodeCheck('18.20.0', '>=20.19.0');
    expect(check.verdict).toBe('fail');
    expect(check.seen).toContain('18.20.0');
    expect(check.fix).toContain('20.19.0');
    expect(nodeCheck('20.19.1', '>=20.19.0')).toMatchObject({ verdict: 'ok' });
  });
});

describe('engine', () => {
  it('is ok with the engine and API version, and says what was tried before it', () => {
    const check = engineCheck({
      ...engineBase,
      attempts: [
        { endpoint: 'unix:///var/run/docker.sock', outcome: 'no-socket' },
        { endpoint: 'unix:///run/user/1000/docker.sock', outcome: 'answered' },
      ],
      answered: {
        endpoint: 'unix:///run/user/1000/docker.sock',
        serverVersion: '27.1.0',
        apiVersion: '1.46',
      },
    });
    expect(check.verdict).toBe('ok');
    expect(check.seen).toContain('27.1.0');
    expect(check.seen).toContain('API 1.46');
    expect(check.seen).toContain('unix:///var/run/docker.sock (no such socket)');
  });

  it('a stopped engine: fails with every address tried in order and the start command', () => {
    const check = engineCheck({
      ...engineBase,
      attempts: [
        { endpoint: 'unix:///var/run/docker.sock', outcome: 'no-socket' },
        {
          endpoint: 'unix:///home/ada/.colima/default/docker.sock',
          outcome: 'no-answer',
          detail: 'connection refused',
        },
      ],
      start: { command: ['colima', 'start'], available: true },
    });
    expect(check.verdict).toBe('fail');
    expect(check.seen).toMatch(
      /unix:\/\/\/var\/run\/docker\.sock \(no such socket\), unix:\/\/\/home\/ada\/\.colima\/default\/docker\.sock \(no answer: connection refused\)/,
    );
    expect(check.fix).toBe('Start the engine: `colima start` (`devenv doctor --fix` runs it).');
  });

  it('a socket without permission: fails with the group fix', () => {
    const check = engineCheck({
      ...engineBase,
      attempts: [
        {
          endpoint: 'unix:///var/run/docker.sock',
          outcome: 'permission',
          socket: { path: '/var/run/docker.sock', group: 'docker', mode: 0o140660 },
        },
      ],
    });
    expect(check.verdict).toBe('fail');
    expect(check.seen).toContain('permission denied: owned by group docker, mode 660');
    expect(check.fix).toBe(
      'Run `sudo usermod -aG docker ada`, then log out and in again (or `newgrp docker`).',
    );
  });

  it('already in the group but not in this session: a new login, not usermod', () => {
    const check = engineCheck({
      ...engineBase,
      databaseGroups: ['docker'],
      attempts: [
        {
          endpoint: 'unix:///var/run/docker.sock',
          outcome: 'permission',
          socket: { path: '/var/run/docker.sock', group: 'docker', mode: 0o140660 },
        },
      ],
    });
    expect(check.fix).toContain('newgrp docker');
    expect(check.fix).not.toContain('usermod');
  });

  it('knows how to start the engines it finds by their socket', () => {
    expect(
      engineStartCommand('/home/ada/.colima/default/docker.sock', '/home/ada', undefined, false),
    ).toEqual(['colima', 'start']);
    expect(engineStartCommand('/home/ada/.colima/work/docker.sock', '/home/ada', undefined, false)).toEqual([
      'colima',
      'start',
      'work',
    ]);
    expect(engineStartCommand('/var/run/docker.sock', '/home/ada', undefined, false)).toEqual([
      'sudo',
      'systemctl',
      'start',
      'docker',
    ]);
    expect(engineStartCommand('/run/user/1000/docker.sock', '/home/ada', '/run/user/1000', false)).toEqual([
      'systemctl',
      '--user',
      'start',
      'docker',
    ]);
    expect(engineStartCommand('/somewhere/else.sock', '/home/ada', undefined, true)).toBeUndefined();
  });
});

describe('disk', () => {
  it('fails under 2 GiB, warns under 10 GiB, and says where', () => {
    expect(diskCheck({ path: '/var/lib/docker', freeBytes: 1 * GiB, totalBytes: 100 * GiB }).verdict).toBe(
      'fail',
    );
    expect(diskCheck({ path: '/var/lib/docker', freeBytes: 5 * GiB, totalBytes: 100 * GiB }).verdict).toBe(
      'warn',
    );
    const ok = diskCheck({ path: '/var/lib/docker', freeBytes: 50 * GiB, totalBytes: 100 * GiB });
    expect(ok).toMatchObject({ verdict: 'ok', seen: '50.0 GiB free of 100.0 GiB at /var/lib/docker.' });
  });

  it('warns with the reason when the data root is not measurable here', () => {
    expect(diskCheck({ path: '/var/lib/docker', reason: 'the engine is not on this machine' })).toMatchObject(
      {
        verdict: 'warn',
      },
    );
  });
});

describe('inotify', () => {
  it('a limit below the project fails, with a sysctl raising it to room for the project', () => {
    const check = inotifyCheck({ maxUserWatches: 1000, projectEntries: 5000 });
    expect(check.verdict).toBe('fail');
    expect(check.seen).toContain('max_user_watches is 1000');
    expect(check.fix).toContain(`sudo sysctl fs.inotify.max_user_watches=${inotifyTarget(5000)}`);
  });

  it('a low limit with little room warns; plenty is ok; not Linux is ok', () => {
    expect(inotifyCheck({ maxUserWatches: 8192, projectEntries: 10 }).verdict).toBe('warn');
    expect(inotifyCheck({ maxUserWatches: 524288, projectEntries: 10 }).verdict).toBe('ok');
    expect(inotifyCheck({ projectEntries: 10 }).verdict).toBe('ok');
    expect(inotifyTarget(1_000_000)).toBe(4_000_000);
    expect(inotifyTarget(10)).toBe(524288);
  });
});

describe('git', () => {
  it('fails without git', () => {
    expect(gitCheck(undefined).verdict).toBe('fail');
    expect(gitCheck('git version 2.45.0')).toMatchObject({ verdict: 'ok', seen: 'git version 2.45.0' });
  });
});

describe('secrets', () => {
  const base: SecretsObservation = {
    environment: 'dev',
    fromFile: [{ name: 'API_TOKEN', required: true }],
    present: true,
    status: 'ignored',
    ignoreLinePresent: true,
    missing: [],
  };

  it('a tracked secrets file fails with git rm --cached and the ignore line', () => {
    const check = secretsCheck({ ...base, status: 'tracked', ignoreLinePresent: false });
    expect(check.verdict).toBe('fail');
    expect(check.fix).toContain('git rm --cached secrets.dev.env');
    expect(check.fix).toContain('secrets.*.env');
  });

  it('a file git would commit fails with the ignore line', () => {
    const check = secretsCheck({ ...base, status: 'not-ignored', ignoreLinePresent: false });
    expect(check).toMatchObject({ verdict: 'fail' });
    expect(check.fix).toContain('`secrets.*.env`');
  });

  it('a missing file warns when a required secret is read from it; a missing name warns', () => {
    expect(secretsCheck({ ...base, present: false, status: 'no-repository' }).verdict).toBe('warn');
    expect(secretsCheck({ ...base, present: false, fromFile: [] }).verdict).toBe('ok');
    expect(secretsCheck({ ...base, missing: ['API_TOKEN'] })).toMatchObject({ verdict: 'warn' });
    expect(secretsCheck(base)).toMatchObject({
      verdict: 'ok',
      seen: 'secrets.dev.env is there and ignored by git.',
    });
  });
});

describe('images', () => {
  it('present or built is ok; absent with the registry unreachable warns; unknown to the registry fails', () => {
    expect(
      imagesCheck([
        { service: 'db', image: 'postgres:16', built: false, present: true },
        { service: 'app', image: 'p-app', built: true, present: false },
      ]).verdict,
    ).toBe('ok');
    const offline = imagesCheck([
      {
        service: 'web',
        image: 'nginx:1.27',
        built: false,
        present: false,
        registry: { host: 'registry-1.docker.io', reachable: false, reason: 'ENOTFOUND' },
      },
    ]);
    expect(offline.verdict).toBe('warn');
    expect(offline.seen).toContain('registry-1.docker.io does not answer (ENOTFOUND)');
    expect(offline.fix).toContain('docker pull nginx:1.27');
    expect(
      imagesCheck([
        {
          service: 'web',
          image: 'nginx:nope',
          built: false,
          present: false,
          registry: { host: 'registry-1.docker.io', reachable: true, found: false },
        },
      ]).verdict,
    ).toBe('fail');
  });
});

describe('ports', () => {
  it('a taken pinned port warns and names who holds it; the stack itself holding it is ok', () => {
    const taken = portsCheck([
      {
        service: 'web',
        hostIp: '127.0.0.1',
        port: 8080,
        protocol: 'tcp',
        free: false,
        holder: 'nginx (pid 42)',
      },
    ]);
    expect(taken.verdict).toBe('warn');
    expect(taken.seen).toContain('127.0.0.1:8080/tcp (web) by nginx (pid 42)');
    expect(taken.fix).toContain('Stop nginx (pid 42)');
    expect(
      portsCheck([
        { service: 'web', hostIp: '127.0.0.1', port: 8080, protocol: 'tcp', free: false, ownStack: true },
      ]).verdict,
    ).toBe('ok');
    expect(portsCheck([]).verdict).toBe('ok');
  });
});

describe('stacks', () => {
  it('expired stacks warn with gc as the fix; a gone project directory with down', () => {
    const check = stacksCheck({
      expired: [{ stack: 'p-main-ada', reason: 'TTL of 60 s expired (age 90 s)' }],
      orphaned: [{ stack: 'q-main-ada', workingDir: '/tmp/gone' }],
      total: 3,
    });
    expect(check.verdict).toBe('warn');
    expect(check.seen).toContain('1 expired: p-main-ada (TTL of 60 s expired (age 90 s))');
    expect(check.fix).toContain('`devenv gc`');
    expect(check.fix).toContain('`devenv down -v --stack q-main-ada`');
    expect(stacksCheck({ expired: [], orphaned: [], total: 2 }).verdict).toBe('ok');
  });
});

describe('address pools', () => {
  it("docker's defaults hold 31 networks; used subnets take theirs", () => {
    expect(networksLeft(DEFAULT_ADDRESS_POOLS, [])).toEqual({ total: 31, left: 31 });
    expect(networksLeft(DEFAULT_ADDRESS_POOLS, ['172.17.0.0/16', '192.168.16.0/20', '10.0.0.0/24'])).toEqual({
      total: 31,
      left: 29,
    });
  });

  it('custom pools of /24s, a network inside one counts once', () => {
    const pools = [{ base: '10.200.0.0/22', size: 24 }];
    expect(networksLeft(pools, ['10.200.1.0/24', '10.200.2.128/25'])).toEqual({ total: 4, left: 2 });
  });

  it('none left fails, few left warns', () => {
    const pools = [{ base: '10.200.0.0/23', size: 24 }];
    const full = addressPoolsCheck({
      pools,
      source: 'x',
      usedSubnets: ['10.200.0.0/24', '10.200.1.0/24'],
      devenvNetworks: 2,
    });
    expect(full.verdict).toBe('fail');
    expect(full.seen).toContain('0 of 2 networks left');
    expect(addressPoolsCheck({ pools, source: 'x', usedSubnets: [], devenvNetworks: 0 }).verdict).toBe(
      'warn',
    );
  });
});

describe('vitest', () => {
  it('names the version, warns for an unsupported one or none in a Node project', () => {
    expect(vitestCheck({ installed: true, version: '4.1.0', supported: true })).toMatchObject({
      verdict: 'ok',
      seen: 'vitest 4.1.0, driven by devenv.',
    });
    expect(
      vitestCheck({ installed: true, version: '2.1.0', supported: false, reason: 'too old' }).verdict,
    ).toBe('warn');
    expect(vitestCheck({ installed: false, nodeProject: true }).verdict).toBe('warn');
    expect(vitestCheck({ installed: false, nodeProject: false }).verdict).toBe('ok');
  });
});

it('summarizes the verdicts', () => {
  expect(
    summarize([gitCheck(undefined), gitCheck('git version 2'), nodeCheck('22.0.0', '>=20.19.0')]),
  ).toEqual({
    ok: 2,
    warn: 0,
    fail: 1,
  });
});
