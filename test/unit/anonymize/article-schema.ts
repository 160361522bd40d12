/** The article's database as the scratch Postgres would report it, and rules text helpers for the anonymize tests. */
import { parseAnonymizeRules } from '../../../src/core/anonymize/parse-rules.js';
import type { AnonymizeRules } from '../../../src/core/anonymize/rules.js';
import {
  columnCategory,
  type ColumnInfo,
  type DatabaseSchema,
  type TableInfo,
} from '../../../src/core/anonymize/schema.js';
import { DevenvError } from '../../../src/core/errors.js';

type Column = [name: string, type: string, options?: Partial<ColumnInfo>];

export function table(name: string, columns: Column[], primaryKey = ['id'], pages = 10): TableInfo {
  return {
    schema: 'public',
    name,
    pages,
    primaryKey,
    triggers: [],
    columns: columns.map(([columnName, type, options]) => {
      const base = type.replace(/\(.*\)$/, '');
      return {
        name: columnName,
        type,
        category: columnCategory(base === 'varchar' ? 'character varying' : base, false),
        nullable: true,
        unique: primaryKey.length === 1 && primaryKey[0] === columnName,
        generated: false,
        ...options,
      };
    }),
  };
}

export function articleSchema(): DatabaseSchema {
  const id: Column = ['id', 'bigint', { nullable: false }];
  return {
    largeObjects: 0,
    tables: [
      table('audit_logs', [
        id,
        ['user_id', 'bigint'],
        ['action', 'text', { nullable: false }],
        ['ip_address', 'text'],
        ['created_at', 'timestamp with time zone', { nullable: false }],
      ]),
      table('companies', [
        id,
        ['name', 'text', { nullable: false }],
        ['street', 'text'],
        ['city', 'text'],
        ['state', 'varchar(2)', { maxLength: 2 }],
        ['zip', 'varchar(10)', { maxLength: 10 }],
      ]),
      table('payment_methods', [
        id,
        ['user_id', 'bigint', { nullable: false }],
        ['card_number', 'text', { nullable: false }],
      ]),
      table('schema_migrations', [['version', 'text', { nullable: false }]], ['version']),
      table('sessions', [
        id,
        ['user_id', 'bigint', { nullable: false }],
        ['token', 'text'],
        ['expires_at', 'timestamp with time zone'],
      ]),
      table('users', [
        id,
        ['company_id', 'bigint'],
        ['email', 'text', { nullable: false, unique: true }],
        ['phone', 'text'],
        ['first_name', 'text'],
        ['last_name', 'text'],
        ['notes', 'text'],
        ['created_at', 'timestamp with time zone', { nullable: false }],
      ]),
    ],
    foreignKeys: [
      {
        name: 'audit_logs_user_id_fkey',
        table: { schema: 'public', name: 'audit_logs' },
        columns: ['user_id'],
        references: { schema: 'public', name: 'users' },
        referencedColumns: ['id'],
        onDelete: 'a',
        validated: true,
      },
      {
        name: 'payment_methods_user_id_fkey',
        table: { schema: 'public', name: 'payment_methods' },
        columns: ['user_id'],
        references: { schema: 'public', name: 'users' },
        referencedColumns: ['id'],
        onDelete: 'c',
        validated: true,
      },
      {
        name: 'sessions_user_id_fkey',
        table: { schema: 'public', name: 'sessions' },
        columns: ['user_id'],
        references: { schema: 'public', name: 'users' },
        referencedColumns: ['id'],
        onDelete: 'a',
        validated: true,
      },
      {
        name: 'users_company_id_fkey',
        table: { schema: 'public', name: 'users' },
        columns: ['company_id'],
        references: { schema: 'public', name: 'companies' },
        referencedColumns: ['id'],
        onDelete: 'a',
        validated: true,
      },
    ],
  };
}

/** Rules covering every column of articleSchema(). */
export const articleRules = `tables:
  users:
    columns:
      id: keep
      company_id: keep
      email: email
      phone: phone
      first_name: first_name
      last_name: last_name
      notes: redact
      created_at: keep
  payment_methods: delete
  audit_logs:
    where_delete: "created_at < now() - interval '90 days'"
    columns: { id: keep, user_id: keep, action: keep, ip_address: "null", created_at: { shift_date: 30 } }
  sessions:
    columns: { id: keep, user_id: keep, token: "null", expires_at: { value: "now()" } }
  companies:
    columns: { id: keep, name: keep, street: address, city: city, state: { value: "'TS'" }, zip: { value: "'12345'" } }
keep: ["schema_migrations"]
`;

export function rulesOf(text: string): AnonymizeRules {
  return parseAnonymizeRules({ path: '/p/anonymize.yaml', file: 'anonymize.yaml', text });
}

/** The DevenvError `run` throws (fails the test when it does not). */
export function errorOf(run: () => unknown): DevenvError {
  try {
    run();
  } catch (error) {
    if (error instanceof DevenvError) return error;
    throw error;
  }
  throw new Error('expected a DevenvError');
}
