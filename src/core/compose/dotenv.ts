/**
 * The .env format compose reads (project `.env` and `env_file:`): KEY=value
 * lines, optional `export `, # comments, blank lines, single quotes (literal),
 * double quotes (escapes \n \t \r \\ \" \$, may span lines), unquoted values
 * (trimmed, ` #` starts a comment). Unquoted and double-quoted values are
 * interpolated like compose files (${VAR}, ${VAR:-default}, ...). A bare
 * `KEY` takes its value from the lookup, and is left out when that is unset.
 */
import { DevenvError } from '../errors.js';
import { InterpolationProblem, interpolateString, type VariableLookup } from './interpolate.js';

export interface DotenvOptions {
  /** File name for messages. */
  file?: string;
  /** Variables outside the file (the shell environment). */
  lookup?: VariableLookup;
  /**
   * Which wins when interpolating a variable defined both earlier in the file
   * and in lookup: 'file' (env_file, compose's rule) or 'lookup' (the project
   * .env, where the shell environment wins). Default 'file'.
   */
  precedence?: 'file' | 'lookup';
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;

export function parseDotenv(text: string, options: DotenvOptions = {}): Record<string, string> {
  const file = options.file ?? '.env';
  const values: Record<string, string> = {};
  const outside = options.lookup ?? (() => undefined);
  const lookup: VariableLookup =
    options.precedence === 'lookup'
      ? (name) => outside(name) ?? values[name]
      : (name) => (Object.hasOwn(values, name) ? values[name] : outside(name));

  let pos = 0;
  const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length;
  const fail = (offset: number, what: string): never => {
    const line = lineAt(offset);
    throw new DevenvError('COMPOSE_INVALID', `${file}:${line}: ${what}`, { location: { file, line } });
  };
  const interpolate = (value: string, offset: number): string => {
    try {
      return interpolateString(value, lookup);
    } catch (error) {
      if (!(error instanceof InterpolationProblem)) throw error;
      const line = lineAt(offset);
      throw new DevenvError('COMPOSE_INTERPOLATION', `${file}:${line}: ${error.message}`, {
        location: { file, line },
      });
    }
  };
  const restOfLine = (): string => {
    const end = text.indexOf('\n', pos);
    const rest = text.slice(pos, end < 0 ? text.length : end);
    pos = end < 0 ? text.length : end + 1;
    return rest;
  };

  while (pos < text.length) {
    const lineStart = pos;
    const line = restOfLine();
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const body = trimmed.replace(/^export\s+/, '');
    const key = KEY.exec(body)?.[0];
    if (key === undefined) fail(lineStart, `invalid line "${trimmed}": expected KEY=value`);
    const afterKey = body.slice((key ?? '').length);
    const name = key ?? '';
    if (afterKey.trim() === '' || afterKey.trimStart().startsWith('#')) {
      const value = outside(name);
      if (value !== undefined) values[name] = value;
      continue;
    }
    const equals = /^\s*=\s*/.exec(afterKey);
    if (!equals) fail(lineStart, `invalid line "${trimmed}": expected KEY=value`);
    const raw = afterKey.slice(equals?.[0].length ?? 0);
    // Where the value starts in the whole text, to read quoted values over several lines.
    const valueStart = lineStart + line.indexOf(raw, line.indexOf(name) + name.length);
    const quote = raw[0];
    if (quote === "'" || quote === '"') {
      pos = valueStart + 1;
      let value = '';
      let closed = false;
      while (pos < text.length) {
        const char = text[pos] ?? '';
        if (char === quote) {
          closed = true;
          pos++;
          break;
        }
        if (quote === '"' && char === '\\' && pos + 1 < text.length) {
          const next = text[pos + 1] ?? '';
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '\\': '\\',
            '"': '"',
            $: '$$',
          };
          value += escapes[next] ?? `\\${next}`;
          pos += 2;
          continue;
        }
        value += char;
        pos++;
      }
      if (!closed) fail(valueStart, `unterminated ${quote} quote in value of ${name}`);
      const trailing = restOfLine().trim();
      if (trailing !== '' && !trailing.startsWith('#'))
        fail(valueStart, `unexpected text after the quoted value of ${name}`);
      values[name] = quote === '"' ? interpolate(value, valueStart) : value;
    } else {
      const value = raw.startsWith('#') ? '' : raw.replace(/\s+#.*$/, '').trim();
      values[name] = interpolate(value, valueStart);
    }
  }
  return values;
}
