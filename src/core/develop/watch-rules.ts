/**
 * The Compose Specification's `develop.watch` rules, read from the raw
 * `develop:` section of each service: action (sync, rebuild, sync+restart,
 * restart), path (relative to the project directory), target (container
 * path, for the sync actions) and ignore (patterns relative to path, .dockerignore syntax).
 * As in Compose Watch, only services built from source (`build:`) are watched.
 */
import { isAbsolute, posix, resolve } from 'node:path';
import type { ComposeProject, ServiceSpec } from '../compose/model.js';
import { listOrDictToMap } from '../compose/list-or-dict.js';
import { isMapping } from '../compose/normalize-context.js';
import { splitShellWords } from '../compose/shell-words.js';

export type WatchAction = 'sync' | 'rebuild' | 'sync+restart' | 'restart' | 'sync+exec';

export interface WatchRule {
  service: string;
  action: WatchAction;
  /** Absolute host path (file or directory). */
  path: string;
  /** Absolute container path, for sync and sync+restart. */
  target?: string;
  /** Patterns relative to `path`, .dockerignore syntax (`!` re-includes, the last match wins). */
  ignore: string[];
  /** `initial_sync: true` (sync actions): copy everything under path once the service runs. */
  initialSync?: boolean;
  /** sync+exec: what runs in the container after the files are copied. */
  exec?: WatchExec;
}

export interface WatchExec {
  command: string[];
  user?: string;
  workingDir?: string;
  env?: Record<string, string>;
}

export interface WatchRuleProblem {
  service: string;
  /** e.g. services.app.develop.watch[1] */
  path: string;
  message: string;
}

const ACTIONS: readonly string[] = ['sync', 'rebuild', 'sync+restart', 'restart', 'sync+exec'];
const KNOWN_UNSUPPORTED: readonly string[] = [];

function serviceRules(
  service: ServiceSpec,
  workingDir: string,
): { rules: WatchRule[]; problems: WatchRuleProblem[] } {
  const rules: WatchRule[] = [];
  const problems: WatchRuleProblem[] = [];
  if (!isMapping(service.develop)) return { rules, problems };
  const watch = service.develop['watch'];
  if (watch === undefined || watch === null) return { rules, problems };
  const at = (suffix: string) => `services.${service.name}.develop.watch${suffix}`;
  const problem = (suffix: string, message: string) =>
    problems.push({ service: service.name, path: at(suffix), message });
  if (!Array.isArray(watch)) {
    problem('', 'develop.watch must be a list of rules');
    return { rules, problems };
  }
  if (service.build === undefined) {
    problem('', 'develop.watch is only followed for services built from source (`build:`); ignored');
    return { rules, problems };
  }
  watch.forEach((raw: unknown, index) => {
    const here = `[${index}]`;
    if (!isMapping(raw)) return problem(here, 'a watch rule must be a mapping with action and path');
    const action = raw['action'];
    const path = raw['path'];
    const target = raw['target'];
    const ignore = raw['ignore'] ?? [];
    if (typeof action !== 'string' || !ACTIONS.includes(action)) {
      const why = KNOWN_UNSUPPORTED.includes(String(action))
        ? `action "${String(action)}" is not supported by devenv yet (sync, rebuild, sync+restart, restart, sync+exec); rule ignored`
        : `action must be one of sync, rebuild, sync+restart, restart, sync+exec (got ${JSON.stringify(action)}); rule ignored`;
      return problem(`${here}.action`, why);
    }
    if (typeof path !== 'string' || path === '')
      return problem(`${here}.path`, 'path is required (relative to the project directory); rule ignored');
    if (!Array.isArray(ignore) || !ignore.every((item) => typeof item === 'string'))
      return problem(`${here}.ignore`, 'ignore must be a list of patterns; rule ignored');
    const rule: WatchRule = {
      service: service.name,
      action: action as WatchAction,
      path: isAbsolute(path) ? resolve(path) : resolve(workingDir, path),
      ignore: ignore as string[],
    };
    if (action === 'sync' || action === 'sync+restart' || action === 'sync+exec') {
      if (typeof target !== 'string' || !posix.isAbsolute(target))
        return problem(`${here}.target`, `action ${action} needs an absolute container target; rule ignored`);
      rule.target = posix.normalize(target);
      if (raw['initial_sync'] === true) rule.initialSync = true;
    }
    if (action === 'sync+exec') {
      const exec = raw['exec'];
      const command = isMapping(exec) ? exec['command'] : undefined;
      const words =
        typeof command === 'string'
          ? splitShellWords(command)
          : Array.isArray(command) && command.every((word) => typeof word === 'string')
            ? (command as string[])
            : [];
      if (words.length === 0)
        return problem(`${here}.exec.command`, 'action sync+exec needs exec.command; rule ignored');
      const run: WatchExec = { command: words };
      const details = isMapping(exec) ? exec : {};
      if (typeof details['user'] === 'string') run.user = details['user'];
      if (typeof details['working_dir'] === 'string') run.workingDir = details['working_dir'];
      if (details['environment'] !== undefined) {
        const env = listOrDictToMap(details['environment']);
        run.env = Object.fromEntries(
          Object.entries(env).flatMap(([key, value]) => (value === null ? [] : [[key, value]])),
        );
      }
      rule.exec = run;
    }
    rules.push(rule);
  });
  return { rules, problems };
}

/** Every service's watch rules, in service then rule order, and what was wrong with the others. */
export function watchRules(project: ComposeProject): { rules: WatchRule[]; problems: WatchRuleProblem[] } {
  const rules: WatchRule[] = [];
  const problems: WatchRuleProblem[] = [];
  for (const name of Object.keys(project.services).sort()) {
    const result = serviceRules(project.services[name]!, project.workingDir);
    rules.push(...result.rules);
    problems.push(...result.problems);
  }
  return { rules, problems };
}
