/**
 * .dockerignore matching with the Docker engine's semantics, by
 * @balena/dockerignore (a port of moby's matcher): `#` comments, blank lines
 * skipped; `*` and `?` never cross `/`; `**` spans any number of directories;
 * `[...]` classes (`[^...]` negated; `!` in a class is a literal, as in Go);
 * a leading `!` re-includes; the last matching rule wins; a rule that matches
 * a directory matches everything in it. Case-sensitive, as on Linux.
 */
import { posix } from 'node:path';
// A CommonJS module whose types declare `export default`: its factory is at `.default` (also at run time).
import dockerignorePackage from '@balena/dockerignore';

export interface DockerignoreRule {
  /** The cleaned pattern, without `!`. */
  pattern: string;
  /** `!pattern`: re-include what earlier rules excluded. */
  negate: boolean;
  /** Whether the pattern matches the path or one of its parent directories. */
  matches(path: string): boolean;
}

type Library = ReturnType<typeof dockerignorePackage.default>;

function library(patterns: string[]): Library {
  return dockerignorePackage.default({ ignorecase: false }).add(patterns);
}

/**
 * The pattern in the library's syntax, keeping devenv's (and today's
 * docker CLI's) literals. @balena/dockerignore follows moby 19.03, which
 * passed `(){}+|^` into a regular expression; the docker CLI 28.2.2 on this
 * machine takes them literally (measured with `DOCKER_BUILDKIT=0 docker
 * build`: `a(b)`, `a+b`, `a|b`, `a{b,c}`, `a{2}` and `x^y` each left out
 * exactly that file, not `ab`, `aab` or `aa`). An unclosed `[` and a trailing
 * `\` stay literal, as devenv always read them (the docker CLI refuses the
 * whole build: "syntax error in pattern"; the library would throw).
 */
function libraryPattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      out += i + 1 < pattern.length ? `\\${pattern[++i]}` : '\\\\';
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        out += pattern.slice(i, end + 1);
        i = end;
      }
    } else {
      out += /[(){}+|^]/.test(ch) ? `\\${ch}` : ch;
    }
  }
  return out;
}

/** The library's pattern for a rule; a malformed class (`[z-a]`) is matched literally, as devenv always did. */
function compiledPattern(pattern: string): string {
  const escaped = libraryPattern(pattern);
  try {
    library([escaped]).ignores('probe'); // the library compiles on first use, and throws then
    return escaped;
  } catch {
    return [...pattern].map((ch) => (/[\w/-]/.test(ch) ? ch : `\\${ch}`)).join('');
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
    // One library instance per rule, so that any list of rules can be matched (and no rule is
    // tried once the answer cannot change); the library caches each answer per path.
    const matcher = library([compiledPattern(pattern)]);
    rules.push({ pattern, negate, matches: (path) => matcher.ignores(path) });
  }
  return rules;
}

/** Whether a context-relative path ("src/a.ts", forward slashes) is left out of the build context. */
export function isIgnored(rules: readonly DockerignoreRule[], path: string): boolean {
  const normalized = clean(path);
  let ignored = false;
  for (const rule of rules) {
    if (rule.negate === ignored && rule.matches(normalized)) ignored = !rule.negate;
  }
  return ignored;
}

/** True when some `!` rule could re-include something, so an ignored directory must still be walked. */
export function hasExceptions(rules: readonly DockerignoreRule[]): boolean {
  return rules.some((rule) => rule.negate);
}
