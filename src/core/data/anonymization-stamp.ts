/**
 * devenv's anonymization stamp: how a dump says it went through `devenv db
 * anonymize`. The dump holds a table `devenv_anonymization.stamp` with one
 * row, column `stamp jsonb`:
 *
 *   {"tool":"devenv","version":1,"rulesSha256":"<hex>","anonymizedAt":"<ISO time>","checks":[...]}
 *
 * `devenv db anonymize` writes it; `devenv db load` reads it before anything
 * is loaded (into any environment but prod, a dump without it is refused).
 * Read from SQL text: a plain dump, or what `pg_restore --data-only
 * --schema=devenv_anonymization --table=stamp -f -` prints of a custom one
 * (a COPY block; INSERT statements of `pg_dump --inserts` too).
 */

export const STAMP_SCHEMA = 'devenv_anonymization';
export const STAMP_TABLE = 'stamp';
export const STAMP_COLUMN = 'stamp';
export const STAMP_TOOL = 'devenv';
export const STAMP_VERSION = 1;
/** The TOC entry `pg_restore --list` shows for the stamp's row(s) in a custom-format dump. */
export const STAMP_TOC_ENTRY = `TABLE DATA ${STAMP_SCHEMA} ${STAMP_TABLE}`;

export interface AnonymizationStamp {
  tool: typeof STAMP_TOOL;
  version: typeof STAMP_VERSION;
  /** Hex sha256 of the anonymization rules the dump was made with. */
  rulesSha256: string;
  /** ISO time. */
  anonymizedAt: string;
  /** What the anonymizer checked (its own shape). */
  checks: unknown[];
}

export type StampReading =
  | { status: 'stamped'; stamp: AnonymizationStamp }
  /** No stamp table data in the text. */
  | { status: 'absent' }
  /** The table is there but its row is not a stamp devenv knows: `reason` says what is wrong. */
  | { status: 'invalid'; reason: string };

/** The stamp in the SQL text, or undefined when there is none (or it is not a valid one). */
export function parseAnonymizationStamp(text: string): AnonymizationStamp | undefined {
  const reading = readAnonymizationStamp(text);
  return reading.status === 'stamped' ? reading.stamp : undefined;
}

/** Whether a `pg_restore --list` of a custom-format dump names the stamp table's data. */
export function tocListsStamp(list: string): boolean {
  return list
    .split('\n')
    .some((line) => !line.startsWith(';') && new RegExp(`\\b${STAMP_TOC_ENTRY}\\b`).test(line));
}

/** The start of the statement that carries the stamp's row, as a plain dump writes it (for a scan of a large file). */
export const STAMP_MARKERS: readonly string[] = [
  `COPY ${STAMP_SCHEMA}.${STAMP_TABLE} `,
  `INSERT INTO ${STAMP_SCHEMA}.${STAMP_TABLE} `,
];

const IDENT = (name: string) => `(?:${name}|"${name}")`;
const TABLE = `${IDENT(STAMP_SCHEMA)}\\.${IDENT(STAMP_TABLE)}`;
const COPY_LINE = new RegExp(`^COPY ${TABLE}\\s*(?:\\(([^)]*)\\))?\\s+FROM stdin;\\s*$`, 'm');
const INSERT = new RegExp(`^INSERT INTO ${TABLE}\\s*(?:\\(([^)]*)\\))?\\s*VALUES\\s*\\(`, 'm');

/** The stamp in the SQL text, or why there is none. */
export function readAnonymizationStamp(text: string): StampReading {
  const copy = COPY_LINE.exec(text);
  if (copy) {
    const rowStart = text.indexOf('\n', copy.index) + 1;
    if (rowStart === 0) return { status: 'invalid', reason: 'the stamp table has no row' };
    const rowEnd = text.indexOf('\n', rowStart);
    const row = text.slice(rowStart, rowEnd === -1 ? undefined : rowEnd).replace(/\r$/, '');
    if (row === '\\.') return { status: 'invalid', reason: 'the stamp table has no row' };
    const column = columnIndex(copy[1]);
    const field = row.split('\t')[column];
    if (field === undefined || field === '\\N')
      return { status: 'invalid', reason: `the stamp row has no ${STAMP_COLUMN} value` };
    return stampFromJson(unescapeCopyText(field));
  }
  const insert = INSERT.exec(text);
  if (insert) {
    const column = columnIndex(insert[1]);
    const values = sqlLiterals(text.slice(insert.index + insert[0].length), column + 1);
    const value = values[column];
    if (value === undefined)
      return { status: 'invalid', reason: `the stamp row has no ${STAMP_COLUMN} value` };
    return stampFromJson(value);
  }
  return { status: 'absent' };
}

/** The stamp column's position in a COPY or INSERT column list (none: the table's only column). */
function columnIndex(list: string | undefined): number {
  if (list === undefined) return 0;
  const names = list.split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
  const index = names.indexOf(STAMP_COLUMN);
  return index === -1 ? 0 : index;
}

/** The first `count` values of a VALUES list, read as text ('...' literals; anything else as written). */
function sqlLiterals(text: string, count: number): string[] {
  const values: string[] = [];
  let i = 0;
  while (values.length < count && i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    const escaped = text[i] === 'E' && text[i + 1] === "'";
    if (escaped) i++;
    if (text[i] === "'") {
      let value = '';
      for (i++; i < text.length; i++) {
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i++;
        } else if (text[i] === "'") break;
        else if (escaped && text[i] === '\\' && i + 1 < text.length) value += text[++i];
        else value += text[i];
      }
      values.push(value);
      i++;
      // A cast such as ::jsonb
      const cast = /^::[\w."]+/.exec(text.slice(i));
      if (cast) i += cast[0].length;
    } else {
      const end = text.slice(i).search(/[,)]/);
      if (end === -1) break;
      values.push(text.slice(i, i + end).trim());
      i += end;
      if (text[i] === ')') break;
    }
  }
  return values;
}

const COPY_ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** A field of COPY's text format as its value: backslash escapes undone. */
export function unescapeCopyText(field: string): string {
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_match, escape: string) => {
    if (escape[0] === 'x' && escape.length > 1) return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8));
    return COPY_ESCAPES[escape] ?? escape;
  });
}

/** The stamp a JSON text holds, or why it is not one. */
export function stampFromJson(json: string): StampReading {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { status: 'invalid', reason: 'the stamp is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { status: 'invalid', reason: 'the stamp is not a JSON object' };
  const stamp = value as Record<string, unknown>;
  if (stamp['tool'] !== STAMP_TOOL)
    return {
      status: 'invalid',
      reason: `the stamp's tool is ${JSON.stringify(stamp['tool'])}, not "devenv"`,
    };
  if (stamp['version'] !== STAMP_VERSION)
    return {
      status: 'invalid',
      reason: `the stamp's version is ${JSON.stringify(stamp['version'])}; this devenv reads version ${STAMP_VERSION}`,
    };
  const rules = stamp['rulesSha256'];
  if (typeof rules !== 'string' || !/^[0-9a-f]{64}$/i.test(rules))
    return { status: 'invalid', reason: "the stamp's rulesSha256 is not a sha256 in hex" };
  const at = stamp['anonymizedAt'];
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(Date.parse(at)))
    return { status: 'invalid', reason: "the stamp's anonymizedAt is not an ISO time" };
  const checks = stamp['checks'];
  if (!Array.isArray(checks)) return { status: 'invalid', reason: "the stamp's checks are not a list" };
  return {
    status: 'stamped',
    stamp: { tool: STAMP_TOOL, version: STAMP_VERSION, rulesSha256: rules, anonymizedAt: at, checks },
  };
}
