/**
 * DoctorProbes on this machine: the engine addresses tried as connect.ts
 * tries them (each one's outcome told apart: no socket, permission, no
 * answer), the engine's data root measured with statfs, /proc for inotify
 * and port holders, git and the registry asked directly.
 */
import { constants } from 'node:fs';
import { access, appendFile, readdir, readFile, readlink, stat, statfs, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, userInfo } from 'node:os';
import { delimiter, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import '../docker/deferred-modules.js'; // before dockerode: see there
import Dockerode from 'dockerode';
import { execa } from 'execa';
import type { DoctorProbes, EngineDetails } from '../../contracts/doctor-probes.js';
import {
  engineStartCommand,
  type AddressPool,
  type EngineAttempt,
  type EngineObservation,
} from '../../core/doctor/checks.js';
import { ALWAYS_IGNORED, gitignoreMatcher } from '../../core/affected/gitignore.js';
import { globMatcher } from '../../core/glob/glob.js';
import { parseDotenv } from '../../core/compose/dotenv.js';
import { isDevenvError } from '../../core/errors.js';
import { engineCandidates, type EngineCandidate } from '../docker/connect.js';
import { engineMessage } from '../docker/engine-errors.js';
import { gitFileStatus } from '../git/git-file-status.js';
import { chooseVitest } from '../vitest/vitest-choice.js';
import { requiredNode } from './required-node.js';

const PROC_WATCHES = '/proc/sys/fs/inotify/max_user_watches';
const pingTimeoutMs = 3000;
/** More entries than any watch limit worth comparing against: the walk stops there. */
const ENTRY_CAP = 2_000_000;

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

async function groupDatabase(): Promise<GroupEntry[]> {
  const text = await readFile('/etc/group', 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    const [name, , gid, members] = line.split(':');
    if (!name || gid === undefined) return [];
    return [{ name, gid: Number(gid), members: (members ?? '').split(',').filter(Boolean) }];
  });
}

function onPath(command: string, env: Record<string, string | undefined>): Promise<boolean> {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter(Boolean);
  return dirs.reduce<Promise<boolean>>(
    async (found, dir) =>
      (await found) ||
      access(join(dir, command), constants.X_OK).then(
        () => true,
        () => false,
      ),
    Promise.resolve(false),
  );
}

async function ping(docker: Dockerode): Promise<{ Version?: string; ApiVersion?: string }> {
  return (await (
    docker.version as (opts: {
      abortSignal: AbortSignal;
    }) => Promise<{ Version?: string; ApiVersion?: string }>
  ).call(docker, { abortSignal: AbortSignal.timeout(pingTimeoutMs) })) as {
    Version?: string;
    ApiVersion?: string;
  };
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

function engineSource(env: Record<string, string | undefined>): string {
  if (env['DOCKER_HOST']?.trim()) return 'DOCKER_HOST';
  const context = env['DOCKER_CONTEXT']?.trim();
  if (context && context !== 'default') return `docker context "${context}"`;
  return 'the usual sockets';
}

/** A registry's host from an image reference (Docker Hub when the first part is not a host). */
function registryOf(image: string): { host: string; repository: string; reference: string } {
  const [name = image, digest] = image.split('@');
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const explicit = first.includes('.') || first.includes(':') || first === 'localhost';
  const host = explicit ? first : 'registry-1.docker.io';
  let path = explicit ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  let tag = 'latest';
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (!explicit && !path.includes('/')) path = `library/${path}`;
  return { host, repository: path, reference: digest ?? tag };
}

function bearerChallenge(header: string | null): { realm: string; service?: string } | undefined {
  if (!header?.toLowerCase().startsWith('bearer ')) return undefined;
  const fields = Object.fromEntries(
    [...header.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
  return fields['realm'] ? { realm: fields['realm'], service: fields['service'] } : undefined;
}

function fetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer within 5 s';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Listening sockets' inodes for a port, from /proc/net (this network namespace). */
async function listeningInodes(port: number, protocol: 'tcp' | 'udp'): Promise<string[]> {
  const inodes: string[] = [];
  for (const file of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      if (!local || !inode) continue;
      const localPort = Number.parseInt(local.split(':')[1] ?? '', 16);
      if (localPort !== port) continue;
      if (protocol === 'tcp' && state !== '0A') continue;
      inodes.push(inode);
    }
  }
  return inodes;
}

export function hostDoctorProbes(): DoctorProbes {
  let answered: { docker: Dockerode; candidate: EngineCandidate } | undefined;
  let lastCandidates: EngineCandidate[] = [];

  const probes: DoctorProbes = {
    nodeVersion: () => process.versions.node,

    requiredNode,

    async engine(env) {
      const home = env['HOME'] || homedir();
      const user = userInfo().username;
      const database = await groupDatabase();
      const processGroups = (process.getgroups?.() ?? []).map(
        (gid) => database.find((group) => group.gid === gid)?.name ?? String(gid),
      );
      const databaseGroups = database.filter((group) => group.members.includes(user)).map((g) => g.name);
      const observation: EngineObservation = {
        source: engineSource(env),
        attempts: [],
        user,
        processGroups,
        databaseGroups,
      };
      let candidates: EngineCandidate[];
      try {
        candidates = engineCandidates(env, home);
      } catch (error) {
        if (!isDevenvError(error)) throw error;
        observation.attempts.push({
          endpoint: env['DOCKER_HOST'] ?? observation.source,
          outcome: 'error',
          detail: error.message,
        });
        return observation;
      }
      lastCandidates = candidates;
      answered = undefined;
      let stopped: string | undefined;
      for (const candidate of candidates) {
        const attempt: EngineAttempt = { endpoint: candidate.endpoint, outcome: 'error' };
        observation.attempts.push(attempt);
        const socketPath = candidate.options.socketPath;
        const local = typeof socketPath === 'string' && !socketPath.startsWith('//') ? socketPath : undefined;
        if (local !== undefined) {
          const info = await stat(local).catch(() => undefined);
          if (info === undefined) {
            attempt.outcome = 'no-socket';
            stopped ??= local;
            continue;
          }
          const denied = await access(local, constants.R_OK | constants.W_OK).then(
            () => false,
            (error: unknown) => errorCode(error) === 'EACCES',
          );
          if (denied) {
            attempt.outcome = 'permission';
            attempt.socket = {
              path: local,
              group: database.find((group) => group.gid === info.gid)?.name ?? String(info.gid),
              mode: info.mode,
            };
            continue;
          }
        }
        const docker = new Dockerode(candidate.options);
        try {
          const version = await ping(docker);
          attempt.outcome = 'answered';
          observation.answered = {
            endpoint: candidate.endpoint,
            serverVersion: version.Version ?? 'unknown',
            apiVersion: version.ApiVersion ?? 'unknown',
          };
          answered = { docker, candidate };
          break;
        } catch (error) {
          const code = errorCode(error);
          if (code === 'EACCES') attempt.outcome = 'permission';
          else if (code === 'ENOENT') {
            attempt.outcome = 'no-socket';
            if (local !== undefined) stopped ??= local;
          } else {
            attempt.outcome = 'no-answer';
            attempt.detail =
              code === 'ABORT_ERR' || (error as Error).name === 'AbortError'
                ? 'nothing within 3 s'
                : code === 'ECONNREFUSED'
                  ? 'connection refused'
                  : (code ?? engineMessage(error));
            if (code === 'ECONNREFUSED' && local !== undefined) stopped ??= local;
          }
        }
      }
      if (!observation.answered && stopped !== undefined) {
        const command = engineStartCommand(stopped, home, env['XDG_RUNTIME_DIR'], process.getuid?.() === 0);
        if (command) {
          const [tool = ''] = command;
          const systemd = tool !== 'systemctl' || (await probes.exists('/run/systemd/system'));
          observation.start = { command, available: tool !== 'sudo' && systemd && (await onPath(tool, env)) };
        }
      }
      return observation;
    },

    async engineDetails(): Promise<EngineDetails | undefined> {
      if (!answered) return undefined;
      const { docker, candidate } = answered;
      const info = (await docker.info()) as {
        DockerRootDir?: string;
        DefaultAddressPools?: { Base?: string; Size?: number }[];
      };
      const root = info.DockerRootDir ?? '/var/lib/docker';
      const networks = await docker.listNetworks();
      const usedSubnets = networks.flatMap((network) =>
        (network.IPAM?.Config ?? []).flatMap((config) =>
          config.Subnet !== undefined && config.Subnet.includes('.') ? [config.Subnet] : [],
        ),
      );
      const pools: AddressPool[] | undefined =
        info.DefaultAddressPools && info.DefaultAddressPools.length > 0
          ? info.DefaultAddressPools.flatMap((pool) =>
              pool.Base && pool.Size ? [{ base: pool.Base, size: pool.Size }] : [],
            )
          : undefined;
      let disk: EngineDetails['disk'] = { path: root, reason: 'the engine is not on this machine' };
      if (candidate.endpoint.startsWith('unix://')) {
        const measured = await statfs(root).catch((error: unknown) => errorCode(error) ?? String(error));
        disk =
          typeof measured === 'string'
            ? { path: root, reason: `${measured}: the engine runs in a VM or another mount namespace` }
            : {
                path: root,
                freeBytes: measured.bavail * measured.bsize,
                totalBytes: measured.blocks * measured.bsize,
              };
      }
      return { disk, usedSubnets, ...(pools ? { pools } : {}) };
    },

    async inotify(projectDir, ignore) {
      if (process.platform !== 'linux') return { projectEntries: 0 };
      const limit = Number.parseInt(await readFile(PROC_WATCHES, 'utf8').catch(() => ''), 10);
      const gitignore = gitignoreMatcher(
        [await readFile(join(projectDir, '.gitignore'), 'utf8').catch(() => '')].filter(Boolean),
      );
      const globs = globMatcher([...ALWAYS_IGNORED, ...ignore]);
      let entries = 0;
      const walk = async (dir: string): Promise<void> => {
        const children = await readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const child of children) {
          if (entries >= ENTRY_CAP) return;
          const path = join(dir, child.name);
          const rel = relative(projectDir, path).split(sep).join('/');
          const isDir = child.isDirectory();
          if (isDir ? globs(`${rel}/x`) || gitignore(`${rel}/`) : globs(rel) || gitignore(rel)) continue;
          entries += 1;
          if (isDir) await walk(path);
        }
      };
      await walk(projectDir);
      return {
        ...(Number.isFinite(limit) ? { maxUserWatches: limit } : {}),
        projectEntries: entries + 1,
        ...(entries >= ENTRY_CAP ? { capped: true } : {}),
      };
    },

    async gitVersion() {
      const result = await execa('git', ['--version'], { reject: false, stdin: 'ignore' }).catch(
        () => undefined,
      );
      return result?.exitCode === 0 ? String(result.stdout).trim() : undefined;
    },

    gitFileStatus,

    async dotenvNames(file) {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
      try {
        return Object.keys(parseDotenv(text, { file, lookup: () => undefined }));
      } catch {
        return [];
      }
    },

    async gitignoreHas(dir, line) {
      const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => '');
      return text.split('\n').some((l) => l.trim() === line);
    },

    async portHolder(port, protocol) {
      if (process.platform !== 'linux') return undefined;
      const inodes = new Set((await listeningInodes(port, protocol)).map((inode) => `socket:[${inode}]`));
      if (inodes.size === 0) return undefined;
      const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
      for (const pid of pids) {
        const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
        for (const fd of fds) {
          const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
          if (inodes.has(target)) {
            const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
            return `${comm} (pid ${pid})`;
          }
        }
      }
      return 'a process of another user';
    },

    async pullable(image) {
      const { host, repository, reference } = registryOf(image);
      const signal = () => AbortSignal.timeout(5000);
      let challenge: Response;
      try {
        challenge = await fetch(`https://${host}/v2/`, { signal: signal() });
      } catch (error) {
        return { host, reachable: false, reason: fetchFailure(error) };
      }
      try {
        const headers: Record<string, string> = {
          accept: [
            'application/vnd.oci.image.index.v1+json',
            'application/vnd.docker.distribution.manifest.list.v2+json',
            'application/vnd.docker.distribution.manifest.v2+json',
            'application/vnd.oci.image.manifest.v1+json',
          ].join(', '),
        };
        const bearer = bearerChallenge(challenge.headers.get('www-authenticate'));
        if (bearer) {
          const url = new URL(bearer.realm);
          if (bearer.service) url.searchParams.set('service', bearer.service);
          url.searchParams.set('scope', `repository:${repository}:pull`);
          const token = (await (await fetch(url, { signal: signal() })).json()) as {
            token?: string;
            access_token?: string;
          };
          const value = token.token ?? token.access_token;
          if (value) headers['authorization'] = `Bearer ${value}`;
        }
        const manifest = await fetch(`https://${host}/v2/${repository}/manifests/${reference}`, {
          method: 'HEAD',
          headers,
          signal: signal(),
        });
        if (manifest.ok) return { host, reachable: true, found: true };
        if (manifest.status === 404)
          return { host, reachable: true, found: false, reason: 'manifest unknown' };
        return { host, reachable: true, reason: `HTTP ${manifest.status}: it may need \`docker login\`` };
      } catch (error) {
        return { host, reachable: true, reason: fetchFailure(error) };
      }
    },

    async projectVitest(dir) {
      let manifest: { version?: string; exports?: Record<string, unknown> };
      try {
        const require = createRequire(join(dir, 'package.json'));
        manifest = require(require.resolve('vitest/package.json')) as typeof manifest;
      } catch {
        return { installed: false, nodeProject: await probes.exists(join(dir, 'package.json')) };
      }
      const version = manifest.version ?? 'unknown';
      const choice = chooseVitest({
        installed: true,
        version,
        hasNodeEntry: manifest.exports?.['./node'] !== undefined,
      });
      return choice.use === 'project'
        ? { installed: true, version, supported: true }
        : { installed: true, version, supported: false, reason: choice.reason };
    },

    exists: (path) =>
      stat(path).then(
        () => true,
        () => false,
      ),

    async startEngine(command, env) {
      const [file = '', ...args] = command;
      const run = await execa(file, args, {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        timeout: 120_000,
      }).catch((error: unknown) => ({ exitCode: -1, stderr: (error as Error).message, stdout: '' }));
      if (run.exitCode !== 0)
        return {
          ok: false,
          detail: `\`${command.join(' ')}\` failed: ${String(run.stderr).trim().split('\n').at(-1) ?? ''}`,
        };
      // The engine takes a moment to answer after its start command returns.
      const candidates = lastCandidates;
      for (let tries = 0; tries < 60; tries++) {
        for (const candidate of candidates) {
          const docker = new Dockerode(candidate.options);
          try {
            await ping(docker);
            answered = { docker, candidate };
            return { ok: true, detail: `ran \`${command.join(' ')}\`; ${candidate.endpoint} answers` };
          } catch {
            // not yet
          }
        }
        await sleep(1000);
      }
      return { ok: false, detail: `ran \`${command.join(' ')}\`, but no engine answered within 60 s` };
    },

    async raiseInotify(value) {
      if (process.platform !== 'linux') return { ok: false, detail: 'not Linux' };
      const current = Number.parseInt(await readFile(PROC_WATCHES, 'utf8').catch(() => ''), 10);
      if (Number.isFinite(current) && current >= value)
        return { ok: true, detail: `fs.inotify.max_user_watches is already ${current}` };
      if (process.getuid?.() !== 0)
        return {
          ok: false,
          detail: `raising it needs root: run \`sudo sysctl fs.inotify.max_user_watches=${value}\``,
        };
      try {
        // What `sysctl -w` writes; until reboot.
        await writeFile(PROC_WATCHES, `${value}\n`);
      } catch (error) {
        return { ok: false, detail: `could not write ${PROC_WATCHES}: ${errorCode(error) ?? String(error)}` };
      }
      return {
        ok: true,
        detail: `raised fs.inotify.max_user_watches from ${current} to ${value} until reboot`,
      };
    },

    async appendGitignoreLine(dir, line) {
      const file = join(dir, '.gitignore');
      const text = await readFile(file, 'utf8').catch(() => '');
      await appendFile(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
    },
  };
  return probes;
}
