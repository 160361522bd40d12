import { describe, expect, it } from 'vitest';
import { isDuplicateDatabase, SqlError } from '../../../src/core/testdb/sql-error.js';

const uniqueIndex = 'duplicate key value violates unique constraint "pg_database_datname_index"';

describe('isDuplicateDatabase', () => {
  it('knows the name taken before the statement began (42P04)', () => {
    const error = new SqlError('database "devenv_tpl_x" already exists', { output: '', sqlState: '42P04' });
    expect(isDuplicateDatabase(error)).toBe(true);
  });

  it('knows two renames to one name at the same moment (23505 on the catalog index)', () => {
    expect(isDuplicateDatabase(new SqlError(uniqueIndex, { output: '', sqlState: '23505' }))).toBe(true);
    expect(isDuplicateDatabase(new SqlError(uniqueIndex, { output: '' }))).toBe(true);
  });

  it('does not take another unique violation or another error for it', () => {
    const other = 'duplicate key value violates unique constraint "users_email_key"';
    expect(isDuplicateDatabase(new SqlError(other, { output: '', sqlState: '23505' }))).toBe(false);
    expect(isDuplicateDatabase(new SqlError('permission denied', { output: '', sqlState: '42501' }))).toBe(
      false,
    );
    expect(isDuplicateDatabase(new Error('database "x" already exists'))).toBe(false);
  });
});
