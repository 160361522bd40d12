import { describe, expect, it } from 'vitest';
import {
  parseAnonymizationStamp,
  readAnonymizationStamp,
  tocListsStamp,
  unescapeCopyText,
} from '../../../src/core/data/anonymization-stamp.js';

const sha = 'a'.repeat(64);

// As pg_dump 15 writes them (jsonb prints with spaces; COPY doubles backslashes).
const copyDump = `--
-- Data for Name: stamp; Type: TABLE DATA; Schema: devenv_anonymization; Owner: user
--

COPY devenv_anonymization.stamp (stamp) FROM stdin;
{"tool": "devenv", "checks": [{"note": "tab\\\\there \\\\\\\\ back", "table": "users"}], "version": 1, "rulesSha256": "${sha}", "anonymizedAt": "2026-01-02T03:04:05.000Z"}
\\.

COPY public.users (id, email) FROM stdin;
1\tu1@x
\\.
`;

const insertDump = `INSERT INTO devenv_anonymization.stamp VALUES ('{"tool": "devenv", "checks": [{"note": "it''s \\\\ fine"}], "version": 1, "rulesSha256": "${sha}", "anonymizedAt": "2026-01-02T03:04:05.000Z"}');
`;

const list = `;
; Archive created at 2026-11-30 12:36:12 UTC
;     dbname: app
;
; Selected TOC Entries:
;
6; 2615 16385 SCHEMA - devenv_anonymization user
215; 1259 16386 TABLE devenv_anonymization stamp user
216; 1259 16391 TABLE public users user
3345; 0 16386 TABLE DATA devenv_anonymization stamp user
3346; 0 16391 TABLE DATA public users user
`;

describe('anonymization stamp', () => {
  it('reads the row of a COPY block, undoing COPY escapes', () => {
    expect(parseAnonymizationStamp(copyDump)).toEqual({
      tool: 'devenv',
      version: 1,
      rulesSha256: sha,
      anonymizedAt: '2026-01-02T03:04:05.000Z',
      checks: [{ note: 'tab\there \\ back', table: 'users' }],
    });
  });

  it('reads the row of an INSERT (pg_dump --inserts), quotes doubled', () => {
    expect(parseAnonymizationStamp(insertDump)?.checks).toEqual([{ note: "it's \\ fine" }]);
    const withColumns = insertDump.replace('stamp VALUES', 'stamp (stamp) VALUES');
    expect(parseAnonymizationStamp(withColumns)?.rulesSha256).toBe(sha);
  });

  it('finds the stamp column among others', () => {
    const text = `COPY devenv_anonymization.stamp (id, stamp) FROM stdin;\n7\t{"tool":"devenv","version":1,"rulesSha256":"${sha}","anonymizedAt":"2026-01-02T03:04:05Z","checks":[]}\n\\.\n`;
    expect(parseAnonymizationStamp(text)?.anonymizedAt).toBe('2026-01-02T03:04:05Z');
  });

  it('is absent from a dump without the table, and from another table of that name', () => {
    expect(readAnonymizationStamp('COPY public.users (id) FROM stdin;\n1\n\\.\n')).toEqual({
      status: 'absent',
    });
    expect(readAnonymizationStamp('COPY public.stamp (stamp) FROM stdin;\n{}\n\\.\n')).toEqual({
      status: 'absent',
    });
    expect(parseAnonymizationStamp('')).toBeUndefined();
  });

  it('says why a row is not a stamp devenv knows', () => {
    const row = (json: string) => `COPY devenv_anonymization.stamp (stamp) FROM stdin;\n${json}\n\\.\n`;
    const reason = (json: string) => {
      const reading = readAnonymizationStamp(row(json));
      return reading.status === 'invalid' ? reading.reason : reading.status;
    };
    const good = {
      tool: 'devenv',
      version: 1,
      rulesSha256: sha,
      anonymizedAt: '2026-01-02T03:04:05Z',
      checks: [],
    };
    expect(reason(JSON.stringify(good))).toBe('stamped');
    expect(reason('not json')).toMatch(/not JSON/);
    expect(reason(JSON.stringify({ ...good, tool: 'other' }))).toMatch(/tool is "other"/);
    expect(reason(JSON.stringify({ ...good, version: 2 }))).toMatch(
      /version is 2; this devenv reads version 1/,
    );
    expect(reason(JSON.stringify({ ...good, rulesSha256: 'abc' }))).toMatch(/rulesSha256/);
    expect(reason(JSON.stringify({ ...good, anonymizedAt: 'yesterday' }))).toMatch(/anonymizedAt/);
    expect(reason(JSON.stringify({ ...good, checks: 'all' }))).toMatch(/checks/);
    expect(reason('\\N')).toMatch(/no stamp value/);
    expect(readAnonymizationStamp('COPY devenv_anonymization.stamp (stamp) FROM stdin;\n\\.\n')).toEqual({
      status: 'invalid',
      reason: 'the stamp table has no row',
    });
  });

  it('finds the stamp data in a pg_restore --list, not a table of a similar name', () => {
    expect(tocListsStamp(list)).toBe(true);
    expect(
      tocListsStamp(list.replace('3345; 0 16386 TABLE DATA devenv_anonymization stamp user\n', '')),
    ).toBe(false);
    expect(tocListsStamp('1; 0 1 TABLE DATA devenv_anonymization stamp_old user\n')).toBe(false);
    expect(tocListsStamp(';     TABLE DATA devenv_anonymization stamp\n')).toBe(false);
  });

  it('undoes every COPY text escape', () => {
    expect(unescapeCopyText('a\\\\b\\tc\\nd\\x41\\101\\q')).toBe('a\\b\tc\ndAAq');
  });
});
