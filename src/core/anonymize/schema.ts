/**
 * The schema of the restored dump as the scratch database reports it (see
 * schemaQuery): tables with their columns, keys and foreign keys. Pure data;
 * the query that fills it is SQL text built here too, so one file says what is
 * asked and how the answer is read.
 */
import { sameTable, type TableName } from './rules.js';

/** What a rule may do with a column depends on this. */
export type ColumnCategory = 'text' | 'json' | 'array' | 'date' | 'timestamp' | 'uuid' | 'number' | 'other';

export interface ColumnInfo {
  name: string;
  /** As Postgres prints it: "character varying(20)", "timestamp with time zone". */
  type: string;
  category: ColumnCategory;
  nullable: boolean;
  /** varchar(n) / char(n): n. */
  maxLength?: number;
  /** A single-column unique constraint or unique index (the primary key included). */
  unique: boolean;
  /** GENERATED ALWAYS AS (...) STORED: computed from other columns, never written. */
  generated: boolean;
}

/** A trigger of the application's, enabled: O (origin), A (always) or R (replica). */
export interface TriggerInfo {
  name: string;
  enabled: 'O' | 'A' | 'R';
}

export interface TableInfo extends TableName {
  columns: ColumnInfo[];
  primaryKey: string[];
  /** The application's enabled triggers: masking must not fire them (an audit trigger would copy originals). */
  triggers: TriggerInfo[];
  /** Its size in pages (of block_size bytes): what a TABLESAMPLE SYSTEM percentage is of. */
  pages: number;
}

export interface ForeignKeyInfo {
  name: string;
  table: TableName;
  columns: string[];
  references: TableName;
  referencedColumns: string[];
  /** confdeltype: a = no action, r = restrict, c = cascade, n = set null, d = set default. */
  onDelete: 'a' | 'r' | 'c' | 'n' | 'd';
  /** pg_constraint.convalidated. */
  validated: boolean;
}

export interface DatabaseSchema {
  tables: TableInfo[];
  foreignKeys: ForeignKeyInfo[];
  /** Large objects (pg_largeobject): rules cannot reach them; they are left out of the output. */
  largeObjects: number;
}

/** The schemas devenv itself writes in the scratch database: never part of the user's data. */
export const WORK_SCHEMA = 'devenv_anonymize';

const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'citext', 'name']);
const NUMBER_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);

export function columnCategory(baseType: string, isArray: boolean): ColumnCategory {
  if (isArray) return 'array';
  if (TEXT_TYPES.has(baseType)) return 'text';
  if (baseType === 'json' || baseType === 'jsonb') return 'json';
  if (baseType === 'date') return 'date';
  if (baseType.startsWith('timestamp')) return 'timestamp';
  if (baseType === 'uuid') return 'uuid';
  if (NUMBER_TYPES.has(baseType)) return 'number';
  return 'other';
}

export function findTable(schema: DatabaseSchema, name: TableName): TableInfo | undefined {
  return schema.tables.find((table) => sameTable(table, name));
}

/**
 * One query, one JSON answer: every ordinary table outside the system schemas
 * and devenv's own, its columns (type, nullability, length, generated), its
 * primary key and single-column unique indexes; every foreign key; and the
 * number of large objects.
 */
export function schemaQuery(excludedSchemas: readonly string[]): string {
  const excluded = ['pg_catalog', 'information_schema', 'pg_toast', ...excludedSchemas]
    .map((name) => `'${name.replace(/'/g, "''")}'`)
    .join(', ');
  return `
WITH tables AS (
  SELECT c.oid, n.nspname AS schema, c.relname AS name,
         pg_relation_size(c.oid) / current_setting('block_size')::int AS pages
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname NOT IN (${excluded}) AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast%'
),
columns AS (
  SELECT a.attrelid, a.attnum, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         CASE WHEN t.typcategory = 'A' THEN format_type(t.typelem, NULL) ELSE format_type(a.atttypid, NULL) END AS base,
         t.typcategory = 'A' AS is_array, NOT a.attnotnull AS nullable,
         CASE WHEN a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype) AND a.atttypmod > 4 THEN a.atttypmod - 4 END AS max_length,
         a.attgenerated <> '' AS generated,
         EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indnkeyatts = 1
                   AND i.indkey[0] = a.attnum AND i.indpred IS NULL) AS is_unique
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
  WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN (SELECT oid FROM tables)
)
SELECT jsonb_build_object(
  'tables', coalesce((SELECT jsonb_agg(jsonb_build_object(
      'schema', t.schema, 'name', t.name, 'pages', t.pages,
      'columns', coalesce((SELECT jsonb_agg(jsonb_build_object(
          'name', c.name, 'type', c.type, 'base', c.base, 'isArray', c.is_array, 'nullable', c.nullable,
          'maxLength', c.max_length, 'unique', c.is_unique, 'generated', c.generated) ORDER BY c.attnum)
        FROM columns c WHERE c.attrelid = t.oid), '[]'::jsonb),
      'primaryKey', coalesce((SELECT jsonb_agg(a.attname ORDER BY k.ord)
        FROM pg_constraint p CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = k.attnum
        WHERE p.conrelid = t.oid AND p.contype = 'p'), '[]'::jsonb),
      'triggers', coalesce((SELECT jsonb_agg(jsonb_build_object('name', g.tgname, 'enabled', g.tgenabled) ORDER BY g.tgname)
        FROM pg_trigger g WHERE g.tgrelid = t.oid AND NOT g.tgisinternal AND g.tgenabled <> 'D'), '[]'::jsonb)
    ) ORDER BY t.schema, t.name) FROM tables t), '[]'::jsonb),
  'foreignKeys', coalesce((SELECT jsonb_agg(jsonb_build_object(
      'name', f.conname,
      'table', jsonb_build_object('schema', cn.nspname, 'name', c.relname),
      'references', jsonb_build_object('schema', rn.nspname, 'name', r.relname),
      'columns', (SELECT jsonb_agg(a.attname ORDER BY k.ord) FROM unnest(f.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum),
      'referencedColumns', (SELECT jsonb_agg(a.attname ORDER BY k.ord) FROM unnest(f.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.attnum),
      'onDelete', f.confdeltype, 'validated', f.convalidated) ORDER BY f.conname)
    FROM pg_constraint f
    JOIN pg_class c ON c.oid = f.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
    JOIN pg_class r ON r.oid = f.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
    WHERE f.contype = 'f' AND c.oid IN (SELECT oid FROM tables)), '[]'::jsonb),
  'largeObjects', (SELECT count(*) FROM pg_largeobject_metadata)
)`;
}

interface RawColumn {
  name: string;
  type: string;
  base: string;
  isArray: boolean;
  nullable: boolean;
  maxLength: number | null;
  unique: boolean;
  generated: boolean;
}

interface RawSchema {
  tables: {
    schema: string;
    name: string;
    pages: number;
    columns: RawColumn[];
    primaryKey: string[];
    triggers?: TriggerInfo[];
  }[];
  foreignKeys: ForeignKeyInfo[];
  largeObjects: number;
}

/** The answer of schemaQuery, typed. */
export function readSchema(answer: unknown): DatabaseSchema {
  const raw = answer as RawSchema;
  return {
    tables: raw.tables.map((table) => ({
      schema: table.schema,
      name: table.name,
      pages: Number(table.pages),
      primaryKey: table.primaryKey,
      triggers: table.triggers ?? [],
      columns: table.columns.map((column) => {
        const info: ColumnInfo = {
          name: column.name,
          type: column.type,
          category: columnCategory(column.base, column.isArray),
          nullable: column.nullable,
          unique: column.unique,
          generated: column.generated,
        };
        if (column.maxLength !== null) info.maxLength = column.maxLength;
        return info;
      }),
    })),
    foreignKeys: raw.foreignKeys.map((fk) => ({ ...fk, validated: fk.validated })),
    largeObjects: Number(raw.largeObjects),
  };
}
