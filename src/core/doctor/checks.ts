/**
 * `devenv doctor`: every check between a new hire and a green run, judged
 * from observations (gathered by adapters/doctor) into a verdict, what was
 * seen and the exact fix. Pure: the same observations give the same checks.
 */
import { secretsFileName, SECRETS_FILE_IGNORE_LINE, type GitFileStatus } from '../secrets/secrets-file.js';

export type Verdict = 'ok' | 'warn' | 'fail';

export type CheckId =
  | 'node'
  | 'engine'
  | 'disk'
  | 'inotify'
  | 'git'
  | 'secrets'
  | 'template'
  | 'images'
  | 'ports'
  | 'stacks'
  | 'address-pools'
  | 'vitest';

export interface DoctorCheck {
  id: CheckId;
  /** What is checked, for humans: "Docker engine". */
  title: string;
  verdict: Verdict;
  /** What was seen, in one or a few sentences. */
  seen: string;
  /** The exact fix (a command to run, a line to add), when the verdict is not ok. */
  fix?: string;
  /** What `--fix` did about it, when it did something. */
  fixed?: string;
}

function check(id: CheckId, title: string, verdict: Verdict, seen: string, fix?: string): DoctorCheck {
  return fix === undefined || verdict === 'ok'
    ? { id, title, verdict, seen }
    : { id, title, verdict, seen, fix };
}

// ---- Node ----

function versionParts(version: string): number[] {
  return version
    .replace(/^[^\d]*/, '')
    .split(/[.-]/)
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** Whether `version` is at least `minimum` ("20.19.0"). */
export function atLeast(version: string, minimum: string): boolean {
  const have = versionParts(version);
  const want = versionParts(minimum);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** `required`: package.json engines.node (">=20.19.0"). */
export function nodeCheck(version: string, required: string): DoctorCheck {
  const minimum = required.replace(/^>=\s*/, '');
  return atLeast(version, minimum)
    ? check('node', 'Node.js', 'ok', `Node ${version} (devenv needs ${required}).`)
    : check(
        'node',
        'Node.js',
        'fail',
        `Node ${version}; devenv needs ${required}.`,
        `Install Node ${minimum} or newer (\`nvm install 22\` or your package manager), then run devenv with it.`,
      );
}

// ---- engine ----

export type EngineAttemptOutcome =
  | 'answered'
  /** The socket file is not there (the engine is stopped, or was never installed there). */
  | 'no-socket'
  /** The socket is there but this user may not open it. */
  | 'permission'
  /** Connected, or tried to, and nothing answered in time. */
  | 'no-answer'
  | 'error';

export interface EngineAttempt {
  endpoint: string;
  outcome: EngineAttemptOutcome;
  /** The error's code or message, for what was seen. */
  detail?: string;
  /** For a unix socket that is there: its owner group and mode. */
  socket?: { path: string; group: string; mode: number };
}

export interface EngineObservation {
  /** Where the address came from: DOCKER_HOST, a docker context, the environment's `engine:`, or the usual sockets. */
  source: string;
  attempts: EngineAttempt[];
  /** The engine that answered. */
  answered?: { endpoint: string; serverVersion: string; apiVersion: string };
  /** Who devenv runs as, and the groups this process has. */
  user: string;
  processGroups: string[];
  /** Groups that list the user in the group database (a new one takes a new login). */
  databaseGroups: string[];
  /** How the engine behind the first socket that is not there can be started here, if devenv knows. */
  start?: { command: string[]; available: boolean };
}

function describeAttempt(attempt: EngineAttempt): string {
  switch (attempt.outcome) {
    case 'answered':
      return `${attempt.endpoint} (answered)`;
    case 'no-socket':
      return `${attempt.endpoint} (no such socket)`;
    case 'permission':
      return `${attempt.endpoint} (permission denied${
        attempt.socket
          ? `: owned by group ${attempt.socket.group}, mode ${(attempt.socket.mode & 0o777).toString(8)}`
          : ''
      })`;
    case 'no-answer':
      return `${attempt.endpoint} (no answer${attempt.detail ? `: ${attempt.detail}` : ''})`;
    case 'error':
      return `${attempt.endpoint} (${attempt.detail ?? 'error'})`;
  }
}

export function engineCheck(engine: EngineObservation): DoctorCheck {
  const tried = `Tried ${engine.source}, in order: ${engine.attempts.map(describeAttempt).join(', ')}.`;
  if (engine.answered) {
    const { endpoint, serverVersion, apiVersion } = engine.answered;
    return check(
      'engine',
      'Docker engine',
      'ok',
      `Engine ${serverVersion} (API ${apiVersion}) at ${endpoint}. ${engine.attempts.length > 1 ? tried : ''}`.trim(),
    );
  }
  const denied = engine.attempts.find((attempt) => attempt.outcome === 'permission');
  if (denied) {
    const group = denied.socket?.group;
    const path = denied.socket?.path ?? denied.endpoint.replace(/^unix:\/\//, '');
    let fix: string;
    if (group === undefined || group === 'root')
      fix = `Ask for access to ${path} (it is owned by root only), or point DOCKER_HOST at an engine you may use (rootless Docker: \`dockerd-rootless-setuptool.sh install\`).`;
    else if (engine.databaseGroups.includes(group) && !engine.processGroups.includes(group))
      fix = `You are in group ${group} but this shell started before: log out and in again, or run \`newgrp ${group}\`.`;
    else
      fix = `Run \`sudo usermod -aG ${group} ${engine.user}\`, then log out and in again (or \`newgrp ${group}\`).`;
    return check(
      'engine',
      'Docker engine',
      'fail',
      `${tried} User ${engine.user} may not open ${path}.`,
      fix,
    );
  }
  const start = engine.start;
  const fix = start
    ? `Start the engine: \`${start.command.join(' ')}\`${start.available ? ' (`devenv doctor --fix` runs it)' : ''}.`
    : engine.source === 'DOCKER_HOST'
      ? 'DOCKER_HOST points at an engine that does not answer: start it, fix DOCKER_HOST, or unset it to use the local socket.'
      : 'Start an engine: `sudo systemctl start docker` (Linux), open Docker Desktop, or run `colima start`; or set DOCKER_HOST to a running engine.';
  return check('engine', 'Docker engine', 'fail', `No engine answers. ${tried}`, fix);
}

/**
 * How to start the engine behind a unix socket path, when its location tells which one it is:
 * colima's and Rancher Desktop's by their tools, the system and rootless Docker by systemd.
 */
export function engineStartCommand(
  socketPath: string,
  home: string,
  runtimeDir: string | undefined,
  isRoot: boolean,
): string[] | undefined {
  const colima = new RegExp(`^${escapeRegExp(home)}/\\.colima/([^/]+)/docker\\.sock$`).exec(socketPath);
  if (colima) return colima[1] === 'default' ? ['colima', 'start'] : ['colima', 'start', colima[1] ?? ''];
  if (socketPath === `${home}/.rd/docker.sock`) return ['rdctl', 'start'];
  if (runtimeDir !== undefined && socketPath === `${runtimeDir}/docker.sock`)
    return ['systemctl', '--user', 'start', 'docker'];
  if (socketPath === '/var/run/docker.sock' || socketPath === '/run/docker.sock')
    return isRoot ? ['systemctl', 'start', 'docker'] : ['sudo', 'systemctl', 'start', 'docker'];
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- disk ----

const GiB = 1024 ** 3;

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

export interface DiskObservation {
  /** The engine's data root (images, volumes). */
  path: string;
  /** undefined: not measurable from here (a remote engine, a VM's disk). */
  freeBytes?: number;
  totalBytes?: number;
  reason?: string;
}

export function diskCheck(disk: DiskObservation | undefined): DoctorCheck {
  const title = 'Disk space for images and volumes';
  if (disk === undefined)
    return check('disk', title, 'warn', 'Not measured: no engine answered.', 'Fix the engine first.');
  if (disk.freeBytes === undefined || disk.totalBytes === undefined)
    return check(
      'disk',
      title,
      'warn',
      `The engine keeps its data in ${disk.path}, which is not measurable from here (${disk.reason ?? 'not on this machine'}).`,
      "Check the engine machine's free space: `docker system df`, and `docker system prune` to free some.",
    );
  const seen = `${gib(disk.freeBytes)} free of ${gib(disk.totalBytes)} at ${disk.path}.`;
  const prune = 'Free space: `devenv gc`, `docker system prune`, or delete what else fills that disk.';
  if (disk.freeBytes < 2 * GiB) return check('disk', title, 'fail', seen, prune);
  if (disk.freeBytes < 10 * GiB || disk.freeBytes < disk.totalBytes * 0.05)
    return check('disk', title, 'warn', seen, prune);
  return check('disk', title, 'ok', seen);
}

// ---- inotify ----

export interface InotifyObservation {
  /** fs.inotify.max_user_watches; undefined when not Linux. */
  maxUserWatches?: number;
  /** Files and directories watch mode would watch. */
  projectEntries: number;
  /** Whether the capped walk stopped early (the count is a lower bound). */
  capped?: boolean;
}

/** The limit `--fix` raises to: room for the project twice over, and never below the usual 524288. */
export function inotifyTarget(projectEntries: number): number {
  return Math.max(524_288, projectEntries * 4);
}

export function inotifyCheck(inotify: InotifyObservation): DoctorCheck {
  const title = 'File watch limit (inotify)';
  if (inotify.maxUserWatches === undefined)
    return check('inotify', title, 'ok', 'Not Linux: no inotify watch limit applies.');
  const count = `${inotify.projectEntries}${inotify.capped ? '+' : ''}`;
  const seen = `fs.inotify.max_user_watches is ${inotify.maxUserWatches}; the project has ${count} files and directories to watch.`;
  const target = inotifyTarget(inotify.projectEntries);
  const fix = `Run \`sudo sysctl fs.inotify.max_user_watches=${target}\` (until reboot; to keep it: \`echo fs.inotify.max_user_watches=${target} | sudo tee /etc/sysctl.d/60-devenv-inotify.conf\`).`;
  // Every other watcher of this user (editors, other projects) shares the limit.
  if (inotify.maxUserWatches < inotify.projectEntries) return check('inotify', title, 'fail', seen, fix);
  if (inotify.maxUserWatches < inotify.projectEntries * 2 || inotify.maxUserWatches < 65_536)
    return check('inotify', title, 'warn', seen, fix);
  return check('inotify', title, 'ok', seen);
}

// ---- git ----

export function gitCheck(version: string | undefined): DoctorCheck {
  return version === undefined
    ? check(
        'git',
        'git',
        'fail',
        'git is not on PATH: devenv names stacks by the branch and selects tests by what changed.',
        'Install git (`sudo apt-get install git`, `brew install git`, or https://git-scm.com).',
      )
    : check('git', 'git', 'ok', version);
}

// ---- secrets ----

export interface SecretsObservation {
  environment: string;
  /** Secret names declared `from: file` (some or all of their sources), with whether each is required here. */
  fromFile: { name: string; required: boolean }[];
  /** Whether secrets.<env>.env is there. */
  present: boolean;
  status: GitFileStatus;
  /** Whether .gitignore has the line already. */
  ignoreLinePresent: boolean;
  /** Declared names missing from the file (when it is there and readable). */
  missing?: string[];
}

export function secretsCheck(secrets: SecretsObservation): DoctorCheck {
  const title = `Secrets file (${secrets.environment})`;
  const file = secretsFileName(secrets.environment);
  if (secrets.present && secrets.status === 'tracked')
    return check(
      'secrets',
      title,
      'fail',
      `${file} is tracked by git: its secrets are in the repository, and devenv refuses to read it.`,
      `Run \`git rm --cached ${file}\`${secrets.ignoreLinePresent ? '' : `, add the line \`${SECRETS_FILE_IGNORE_LINE}\` to .gitignore`}, commit, and rotate the secrets it held.`,
    );
  if (secrets.present && secrets.status === 'not-ignored')
    return check(
      'secrets',
      title,
      'fail',
      `${file} is not ignored by git: \`git add\` would commit it, and devenv refuses to read it.`,
      `Add the line \`${SECRETS_FILE_IGNORE_LINE}\` to .gitignore (\`devenv doctor --fix\` does).`,
    );
  const required = secrets.fromFile.filter((secret) => secret.required).map((secret) => secret.name);
  if (!secrets.present) {
    if (secrets.fromFile.length === 0)
      return check('secrets', title, 'ok', `No secret is declared \`from: file\`; ${file} is not needed.`);
    const seen = `${file} is not there; it is where ${secrets.fromFile.map((s) => s.name).join(', ')} ${secrets.fromFile.length === 1 ? 'is' : 'are'} read from.`;
    const fix = `Create ${file} beside devenv.yaml with NAME=value lines (\`chmod 600 ${file}\`), or give the values in the shell.`;
    return check('secrets', title, required.length > 0 ? 'warn' : 'ok', seen, fix);
  }
  const missing = (secrets.missing ?? []).filter((name) => required.includes(name));
  if (missing.length > 0)
    return check(
      'secrets',
      title,
      'warn',
      `${file} is there and ignored by git, but has no ${missing.join(', ')}.`,
      `Add ${missing.map((name) => `${name}=...`).join(', ')} to ${file}, or give ${missing.length === 1 ? 'it' : 'them'} in the shell.`,
    );
  return check(
    'secrets',
    title,
    'ok',
    `${file} is there${secrets.status === 'ignored' ? ' and ignored by git' : ' (no git repository)'}.`,
  );
}

// ---- template ----

export function templateCheck(
  loaded: { services: number; files: string[] } | { error: string; hint?: string },
): DoctorCheck {
  if ('error' in loaded)
    return check(
      'template',
      'Compose template',
      'fail',
      loaded.error,
      loaded.hint ?? 'Fix the template (`devenv config` shows the error with its place).',
    );
  return check(
    'template',
    'Compose template',
    'ok',
    `${loaded.files.join(', ')}: ${loaded.services} service${loaded.services === 1 ? '' : 's'}.`,
  );
}

// ---- images ----

export interface ImageObservation {
  service: string;
  image: string;
  /** `build:` services have their image built by `up`. */
  built: boolean;
  present: boolean;
  /**
   * For an image that is not there: whether its registry answers, whether it has the tag
   * (undefined: could not tell, e.g. a private repository), and why not.
   */
  registry?: { host: string; reachable: boolean; found?: boolean; reason?: string };
}

export function imagesCheck(images: ImageObservation[] | undefined): DoctorCheck {
  const title = 'Images';
  if (images === undefined)
    return check(
      'images',
      title,
      'warn',
      'Not checked: no engine or no template.',
      'Fix the checks above first.',
    );
  if (images.length === 0) return check('images', title, 'ok', 'The template has no services.');
  const lines: string[] = [];
  const fixes: string[] = [];
  let verdict: Verdict = 'ok';
  const worse = (v: Verdict) => (verdict = verdict === 'fail' || v === 'fail' ? 'fail' : v);
  for (const image of images) {
    if (image.built) lines.push(`${image.service}: ${image.image} is built by \`devenv up\``);
    else if (image.present) lines.push(`${image.service}: ${image.image} is present`);
    else if (image.registry?.reachable && image.registry.found === false) {
      verdict = 'fail';
      lines.push(
        `${image.service}: ${image.image} is not present and ${image.registry.host} does not have it${image.registry.reason ? ` (${image.registry.reason})` : ''}`,
      );
      fixes.push(
        `check the name and tag of ${image.image} in the template, or \`docker login ${image.registry.host}\` if it is private`,
      );
    } else if (image.registry?.reachable)
      lines.push(
        `${image.service}: ${image.image} is not present; ${image.registry.host} ${image.registry.found ? 'has it' : 'answers'}, \`devenv up\` pulls it`,
      );
    else {
      worse('warn');
      lines.push(
        `${image.service}: ${image.image} is not present and ${image.registry?.host ?? 'its registry'} does not answer${image.registry?.reason ? ` (${image.registry.reason})` : ''}`,
      );
      fixes.push(
        `\`docker pull ${image.image}\` once the registry is reachable, or \`docker load\` it from a file`,
      );
    }
  }
  return check(
    'images',
    title,
    verdict,
    `${lines.join('; ')}.`,
    fixes.length > 0 ? `${capitalize(fixes.join('; '))}.` : undefined,
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- ports ----

export interface PinnedPortObservation {
  service: string;
  hostIp: string;
  port: number;
  protocol: 'tcp' | 'udp';
  free: boolean;
  /** Published by this very stack (it is up): taken by what will use it. */
  ownStack?: boolean;
  /** Who holds it, when that can be told: "node (pid 1234)". */
  holder?: string;
}

export function portsCheck(ports: PinnedPortObservation[] | undefined, reason?: string): DoctorCheck {
  const title = 'Pinned host ports';
  if (ports === undefined)
    return check(
      'ports',
      title,
      'warn',
      `Not checked: ${reason ?? 'no template'}.`,
      'Fix the checks above first.',
    );
  if (ports.length === 0)
    return check('ports', title, 'ok', 'The template pins no host port (devenv picks free ones).');
  const taken = ports.filter((port) => !port.free && !port.ownStack);
  const name = (port: PinnedPortObservation) =>
    `${port.hostIp}:${port.port}/${port.protocol} (${port.service})`;
  if (taken.length === 0) return check('ports', title, 'ok', `Free: ${ports.map(name).join(', ')}.`);
  // `devenv up` publishes another free port instead; `up --fixed-ports` keeps the template's and cannot bind it.
  return check(
    'ports',
    title,
    'warn',
    `Taken: ${taken.map((port) => `${name(port)} by ${port.holder ?? 'another process'}`).join(', ')}; \`devenv up --fixed-ports\` cannot bind ${taken.length === 1 ? 'it' : 'them'} (\`devenv up\` publishes another free port).`,
    `Stop ${taken.map((port) => port.holder ?? `what listens on ${port.port}`).join(', ')}, or leave out --fixed-ports.`,
  );
}

// ---- stacks ----

export interface StacksObservation {
  /** Ephemeral stacks whose TTL ran out or whose owner is gone (what `devenv gc` removes). */
  expired: { stack: string; reason: string }[];
  /** Stacks whose project directory on this machine is gone. */
  orphaned: { stack: string; workingDir: string }[];
  total: number;
}

export function stacksCheck(stacks: StacksObservation | undefined): DoctorCheck {
  const title = 'devenv stacks';
  if (stacks === undefined)
    return check('stacks', title, 'warn', 'Not checked: no engine answered.', 'Fix the engine first.');
  const parts: string[] = [];
  const fixes: string[] = [];
  if (stacks.expired.length > 0) {
    parts.push(
      `${stacks.expired.length} expired: ${stacks.expired.map((s) => `${s.stack} (${s.reason})`).join(', ')}`,
    );
    fixes.push('`devenv gc` (`devenv doctor --fix` runs it)');
  }
  if (stacks.orphaned.length > 0) {
    parts.push(
      `${stacks.orphaned.length} left by a project directory that is gone: ${stacks.orphaned.map((s) => `${s.stack} (${s.workingDir})`).join(', ')}`,
    );
    fixes.push(stacks.orphaned.map((s) => `\`devenv down -v --stack ${s.stack}\``).join(', '));
  }
  if (parts.length === 0)
    return check(
      'stacks',
      title,
      'ok',
      `${stacks.total} stack${stacks.total === 1 ? '' : 's'}, none expired or leaked.`,
    );
  return check(
    'stacks',
    title,
    'warn',
    `${stacks.total} stacks; ${parts.join('; ')}.`,
    `Run ${fixes.join('; ')}.`,
  );
}

// ---- address pools ----

export interface AddressPool {
  base: string;
  /** Prefix length of each network carved from the pool. */
  size: number;
}

/** The engine's default pools when daemon.json sets none (docker's defaults for local networks). */
export const DEFAULT_ADDRESS_POOLS: AddressPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

function ipv4(address: string): number | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255))
    return undefined;
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

function cidr(text: string): { start: number; bits: number } | undefined {
  const [address, prefix] = text.split('/');
  const start = ipv4(address ?? '');
  const bits = Number(prefix);
  if (start === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { start: (start & mask) >>> 0, bits };
}

/** How many more networks the pools can give, given the IPv4 subnets the engine's networks use. */
export function networksLeft(
  pools: readonly AddressPool[],
  usedSubnets: readonly string[],
): { total: number; left: number } {
  const used = usedSubnets.map(cidr).filter((c): c is { start: number; bits: number } => c !== undefined);
  let total = 0;
  let left = 0;
  for (const pool of pools) {
    const base = cidr(pool.base);
    if (base === undefined || pool.size < base.bits || pool.size > 32) continue;
    const count = 2 ** (pool.size - base.bits);
    const step = 2 ** (32 - pool.size);
    total += count;
    for (let i = 0; i < count; i++) {
      const start = base.start + i * step;
      const end = start + step - 1;
      const overlaps = used.some((subnet) => {
        const subnetEnd = subnet.start + 2 ** (32 - subnet.bits) - 1;
        return subnet.start <= end && start <= subnetEnd;
      });
      if (!overlaps) left += 1;
    }
  }
  return { total, left };
}

export interface AddressPoolObservation {
  pools: AddressPool[];
  /** Where the pools came from: "/etc/docker/daemon.json" or "docker's defaults". */
  source: string;
  usedSubnets: string[];
  /** Networks of devenv stacks among them. */
  devenvNetworks: number;
}

export function addressPoolsCheck(observation: AddressPoolObservation | undefined): DoctorCheck {
  const title = 'Network address pools';
  if (observation === undefined)
    return check('address-pools', title, 'warn', 'Not checked: no engine answered.', 'Fix the engine first.');
  const { total, left } = networksLeft(observation.pools, observation.usedSubnets);
  const seen = `${left} of ${total} networks left in the engine's address pools (${observation.source}); devenv stacks hold ${observation.devenvNetworks}.`;
  const fix =
    '`devenv gc` and `docker network prune` free networks; for more, set smaller pools in /etc/docker/daemon.json: `"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}]`, then restart the engine.';
  if (left === 0) return check('address-pools', title, 'fail', seen, fix);
  if (left < 5) return check('address-pools', title, 'warn', seen, fix);
  return check('address-pools', title, 'ok', seen);
}

// ---- vitest ----

export type VitestObservation =
  /** nodeProject: the project has a package.json (its tests would run with devenv's own vitest). */
  | { installed: false; nodeProject: boolean }
  | { installed: true; version: string; supported: boolean; reason?: string };

export function vitestCheck(vitest: VitestObservation): DoctorCheck {
  const title = "The project's vitest";
  if (!vitest.installed)
    return vitest.nodeProject
      ? check(
          'vitest',
          title,
          'warn',
          'The project has no vitest installed: devenv runs its tests with its own vitest.',
          'Run `npm install --save-dev vitest` so the tests run with the vitest they were written for.',
        )
      : check(
          'vitest',
          title,
          'ok',
          'The project has no vitest installed (devenv uses its own when there are tests).',
        );
  if (!vitest.supported)
    return check(
      'vitest',
      title,
      'warn',
      `vitest ${vitest.version}: ${vitest.reason ?? 'not supported'}; devenv runs the tests with its own vitest.`,
      'Install vitest 3 or 4: `npm install --save-dev vitest@4`.',
    );
  return check('vitest', title, 'ok', `vitest ${vitest.version}, driven by devenv.`);
}

// ---- the whole ----

export interface DoctorSummary {
  ok: number;
  warn: number;
  fail: number;
}

export function summarize(checks: readonly DoctorCheck[]): DoctorSummary {
  const summary: DoctorSummary = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.verdict] += 1;
  return summary;
}
