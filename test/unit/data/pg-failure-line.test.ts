import { describe, expect, it } from 'vitest';
import { pgFailureLine } from '../../../src/core/data/pg-failure-line.js';

describe("the line of a Postgres program's output that says what went wrong", () => {
  it("is the first error, without psql's, pg_restore's or the server's prefix", () => {
    expect(
      pgFailureLine(
        'SET\npsql:/seed/01.sql:3: ERROR:  relation "users" does not exist\nLINE 1: insert into users\n',
      ),
    ).toBe('relation "users" does not exist');
    expect(pgFailureLine('pg_restore: error: could not read input file: end of file\n')).toBe(
      'could not read input file: end of file',
    );
    expect(pgFailureLine('FATAL:  database "x" does not exist')).toBe('database "x" does not exist');
  });

  it('is the last line when none says ERROR, and empty for no output', () => {
    expect(pgFailureLine('starting\nkilled\n\n')).toBe('killed');
    expect(pgFailureLine('')).toBe('');
  });
});
