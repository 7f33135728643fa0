/**
 * One generic mapping between a record type and a SQLite table, so every repository
 * shares the same insert/get/update/list/remove code. Column names are the record's
 * camelCase keys in snake_case.
 */
import type Database from 'better-sqlite3';
import type { ListQuery } from '../repository.js';
import { StoreConflictError } from '../repository.js';

export type ColumnType = 'text' | 'int' | 'bool' | 'json';

/** How one filter key becomes a WHERE clause. */
export interface FilterRule {
  column: string;
  op: '=' | '>=' | '<';
}

export interface TableSpec<T, F> {
  table: string;
  columns: { [K in keyof T]-?: ColumnType };
  filters: { [K in keyof F]-?: FilterRule };
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

type Row = Record<string, unknown>;

export class Table<T extends { sid: string }, F> {
  private readonly keys: (keyof T & string)[];
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly removeStmt: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TableSpec<T, F>,
  ) {
    this.keys = Object.keys(spec.columns) as (keyof T & string)[];
    const cols = this.keys.map(snake);
    this.insertStmt = db.prepare(
      `INSERT INTO ${spec.table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
    );
    this.getStmt = db.prepare(`SELECT * FROM ${spec.table} WHERE sid = ?`);
    this.removeStmt = db.prepare(`DELETE FROM ${spec.table} WHERE sid = ?`);
  }

  insert(record: T): void {
    this.guard(() => this.insertStmt.run(this.toRow(record)));
  }

  get(sid: string): T | undefined {
    const row = this.getStmt.get(sid) as Row | undefined;
    return row ? this.fromRow(row) : undefined;
  }

  update(sid: string, patch: Partial<T>): T | undefined {
    const keys = (Object.keys(patch) as (keyof T & string)[]).filter((k) => k !== 'sid' && k in this.spec.columns);
    if (keys.length > 0) {
      const row = this.toRow(patch as T, keys);
      const sets = keys.map((k) => `${snake(k)} = @${snake(k)}`).join(', ');
      this.guard(() => this.db.prepare(`UPDATE ${this.spec.table} SET ${sets} WHERE sid = @sid`).run({ ...row, sid }));
    }
    return this.get(sid);
  }

  remove(sid: string): boolean {
    return this.removeStmt.run(sid).changes > 0;
  }

  /** Rows matching `where` (raw SQL on this table) in the given order. */
  select(where: string, params: unknown[], orderBy = 'date_created DESC, sid DESC', limit = -1): T[] {
    const sql = `SELECT * FROM ${this.spec.table} WHERE ${where} ORDER BY ${orderBy} LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map((r) => this.fromRow(r));
  }

  list(query: ListQuery<F>): T[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(query.filter as object)) {
      if (value === undefined) continue;
      const rule = (this.spec.filters as Record<string, FilterRule>)[key];
      if (!rule) throw new Error(`unknown filter ${key} on ${this.spec.table}`);
      where.push(`${rule.column} ${rule.op} ?`);
      params.push(value);
    }
    // A page "before" a cursor is read in reverse order and flipped back afterwards.
    const reverse = query.before !== undefined;
    const ascending = (query.order === 'asc') !== reverse;
    const cursor = query.before ?? query.after;
    if (cursor) {
      where.push(`(date_created, sid) ${ascending ? '>' : '<'} (?, ?)`);
      params.push(cursor.dateCreated, cursor.sid);
    }
    const dir = ascending ? 'ASC' : 'DESC';
    const sql =
      `SELECT * FROM ${this.spec.table}` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY date_created ${dir}, sid ${dir} LIMIT ? OFFSET ?`;
    params.push(query.limit, cursor ? 0 : (query.offset ?? 0));
    const rows = (this.db.prepare(sql).all(...params) as Row[]).map((r) => this.fromRow(r));
    return reverse ? rows.reverse() : rows;
  }

  private toRow(record: T, keys: (keyof T & string)[] = this.keys): Row {
    const row: Row = {};
    for (const key of keys) {
      const value = record[key];
      const type = this.spec.columns[key];
      row[snake(key)] =
        value === null || value === undefined
          ? null
          : type === 'bool'
            ? value
              ? 1
              : 0
            : type === 'json'
              ? JSON.stringify(value)
              : value;
    }
    return row;
  }

  private fromRow(row: Row): T {
    const record: Record<string, unknown> = {};
    for (const key of this.keys) {
      const value = row[snake(key)];
      const type = this.spec.columns[key];
      record[key] =
        value === null || value === undefined
          ? null
          : type === 'bool'
            ? value === 1
            : type === 'json'
              ? JSON.parse(value as string)
              : value;
    }
    return record as T;
  }

  private guard<R>(fn: () => R): R {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new StoreConflictError(this.spec.table, (err as Error).message);
      }
      throw err;
    }
  }
}
