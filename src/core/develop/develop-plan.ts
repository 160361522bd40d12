/**
 * From changed host paths to what each service needs: files to copy into (or
 * delete from) the running container, a restart, or an image rebuild. Pure:
 * the caller says which services bind-mount what and passes .dockerignore
 * patterns; an executor (app/develop-sync.ts) carries the plan out.
 */
import { isAbsolute, posix, relative } from 'node:path';
import type { ComposeProject } from '../compose/model.js';
import { alwaysIgnored, ignoredBy } from './ignore-rules.js';
import type { WatchExec, WatchRule } from './watch-rules.js';
import { toPosix } from '../paths/posix-path.js';

export interface DevelopService {
  name: string;
  rules: WatchRule[];
  /** Host sources of the service's bind mounts (absolute). */
  bindSources: string[];
  /** The build context and its .dockerignore patterns, when it has one. */
  dockerignore?: { context: string; patterns: string[] };
}

export interface FileCopy {
  hostPath: string;
  containerPath: string;
}

export type DevelopStep =
  | { service: string; action: 'rebuild'; files: string[] }
  | { service: string; action: 'sync' | 'sync+restart'; copies: FileCopy[] }
  | { service: string; action: 'sync+exec'; copies: FileCopy[]; commands: WatchExec[] }
  | { service: string; action: 'restart'; files: string[] }
  | { service: string; action: 'skip'; files: string[]; reason: string };

/** `child` is `parent` or below it (host paths). */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The services' watch inputs, from the model and the rules (bind mounts read from the model). */
export function developServices(
  project: ComposeProject,
  rules: readonly WatchRule[],
  dockerignore: Record<string, string[]> = {},
): DevelopService[] {
  const names = [...new Set(rules.map((rule) => rule.service))].sort();
  return names.map((name) => {
    const spec = project.services[name];
    const service: DevelopService = {
      name,
      rules: rules.filter((rule) => rule.service === name),
      bindSources: (spec?.volumes ?? []).flatMap((volume) => (volume.type === 'bind' ? [volume.source] : [])),
    };
    const patterns = dockerignore[name];
    if (spec?.build && patterns && patterns.length > 0)
      service.dockerignore = { context: spec.build.context, patterns };
    return service;
  });
}

interface RuleMatch {
  rule: WatchRule;
  file: string;
  containerPath?: string;
}

function matchRule(service: DevelopService, rule: WatchRule, file: string): RuleMatch | undefined {
  if (!isWithin(rule.path, file)) return undefined;
  const rel = toPosix(relative(rule.path, file));
  if (rel !== '' && (alwaysIgnored(rel) || ignoredBy(rule.ignore, rel))) return undefined;
  const ignore = service.dockerignore;
  if (ignore && isWithin(ignore.context, file)) {
    const inContext = toPosix(relative(ignore.context, file));
    if (inContext !== '' && ignoredBy(ignore.patterns, inContext)) return undefined;
  }
  if (rule.target === undefined) return { rule, file };
  return { rule, file, containerPath: rel === '' ? rule.target : posix.join(rule.target, rel) };
}

/**
 * One step per affected service, in service order. Rebuild wins over sync (the
 * new image has every file); sync+restart restarts once after all copies, and
 * a restart rule with syncs makes it sync+restart; a
 * file under one of the service's bind mounts is already in the container.
 */
export function planDevelop(services: readonly DevelopService[], changed: readonly string[]): DevelopStep[] {
  const files = [...new Set(changed)].sort();
  const steps: DevelopStep[] = [];
  for (const service of services) {
    const matches: RuleMatch[] = [];
    const bound: string[] = [];
    for (const file of files) {
      const hits = service.rules.flatMap((rule) => matchRule(service, rule, file) ?? []);
      if (hits.length === 0) continue;
      if (service.bindSources.some((source) => isWithin(source, file))) bound.push(file);
      else matches.push(...hits);
    }
    if (bound.length > 0)
      steps.push({
        service: service.name,
        action: 'skip',
        files: bound,
        reason: 'bind-mounted: the container already sees it',
      });
    if (matches.length === 0) continue;
    const rebuild = matches.filter((match) => match.rule.action === 'rebuild');
    if (rebuild.length > 0) {
      steps.push({
        service: service.name,
        action: 'rebuild',
        files: [...new Set(rebuild.map((m) => m.file))],
      });
      continue;
    }
    const seen = new Set<string>();
    const copies: FileCopy[] = [];
    for (const match of matches) {
      const key = `${match.file}\0${match.containerPath ?? ''}`;
      if (match.containerPath === undefined || seen.has(key)) continue;
      seen.add(key);
      copies.push({ hostPath: match.file, containerPath: match.containerPath });
    }
    const restart = matches.some(
      (match) => match.rule.action === 'sync+restart' || match.rule.action === 'restart',
    );
    if (copies.length === 0)
      steps.push({
        service: service.name,
        action: 'restart',
        files: [...new Set(matches.map((m) => m.file))],
      });
    else if (restart) steps.push({ service: service.name, action: 'sync+restart', copies });
    else {
      // Each sync+exec rule that matched runs its command once, after all copies.
      const commands = [
        ...new Map(
          matches.flatMap((m) => (m.rule.exec ? [[JSON.stringify(m.rule.exec), m.rule.exec] as const] : [])),
        ).values(),
      ];
      steps.push(
        commands.length > 0
          ? { service: service.name, action: 'sync+exec', copies, commands }
          : { service: service.name, action: 'sync', copies },
      );
    }
  }
  return steps;
}

/** One line per step, for the event stream and for tests that read like the plan. */
export function developPlanText(steps: readonly DevelopStep[], projectDir: string): string[] {
  const show = (path: string) => toPosix(relative(projectDir, path)) || '.';
  return steps.map((step) => {
    switch (step.action) {
      case 'rebuild':
      case 'restart':
        return `${step.service}: ${step.action} (${step.files.map(show).join(', ')})`;
      case 'skip':
        return `${step.service}: skip ${step.files.map(show).join(', ')} (${step.reason})`;
      case 'sync+exec':
        return `${step.service}: sync+exec ${step.copies.map((c) => `${show(c.hostPath)} -> ${c.containerPath}`).join(', ')}; then ${step.commands.map((c) => c.command.join(' ')).join('; ')}`;
      default:
        return `${step.service}: ${step.action} ${step.copies.map((c) => `${show(c.hostPath)} -> ${c.containerPath}`).join(', ')}`;
    }
  });
}
