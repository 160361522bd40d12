/**
 * .dockerignore matching with the Docker engine's semantics (moby/patternmatcher):
 * `#` comments, blank lines skipped; `*` and `?` never cross `/`; `**` spans any
 * number of directories; `[...]` classes; `\` escapes; a leading `!` re-includes;
 * the last matching rule wins; a rule that matches a directory matches everything in it.
 */
import { posix } from 'node:path';

export interface DockerignoreRule {
  /** The cleaned pattern, without `!`. */
  pattern: string;
  /** `!pattern`: re-include what earlier rules excluded. */
  negate: boolean;
  regex: RegExp;
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

function compile(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        source += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      source += escapeRegex(pattern[i] as string);
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        source += '\\[';
      } else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\(?!.)/g, '\\\\')}]`;
        i = end;
      }
    } else {
      source += escapeRegex(ch);
    }
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    // A malformed class: fall back to matching the pattern literally.
    return new RegExp(`^${[...pattern].map(escapeRegex).join('')}$`);
  }
}

function clean(pattern: string): string {
  const normalized = posix.normalize(pattern.replace(/\\(?=[/])/g, '/'));
  return normalized.replace(/^\/+/, '').replace(/\/+$/, '') || '.';
}

/** Parses the text of a .dockerignore file into rules, in file order. */
export function parseDockerignore(text: string): DockerignoreRule[] {
  const rules: DockerignoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    if (line === '') continue;
    const pattern = clean(line);
    rules.push({ pattern, negate, regex: compile(pattern) });
  }
  return rules;
}

function ruleMatches(rule: DockerignoreRule, path: string): boolean {
  if (rule.pattern === '.') return true;
  if (rule.regex.test(path)) return true;
  // A rule naming a directory covers everything below it: try the path's ancestors.
  const parts = path.split('/');
  for (let length = parts.length - 1; length >= 1; length--) {
    if (rule.regex.test(parts.slice(0, length).join('/'))) return true;
  }
  return false;
}

/** Whether a context-relative path ("src/a.ts", forward slashes) is left out of the build context. */
export function isIgnored(rules: readonly DockerignoreRule[], path: string): boolean {
  const normalized = clean(path);
  let ignored = false;
  for (const rule of rules) {
    if (rule.negate === ignored && ruleMatches(rule, normalized)) ignored = !rule.negate;
  }
  return ignored;
}

/** True when some `!` rule could re-include something, so an ignored directory must still be walked. */
export function hasExceptions(rules: readonly DockerignoreRule[]): boolean {
  return rules.some((rule) => rule.negate);
}
