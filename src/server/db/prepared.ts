/**
 * Prepared statements for the hot queries (PERF-1, docs/decisions/0014-database-round-trips.md).
 *
 * Drizzle hands postgres.js every query with `prepare: false` unless the query was built with
 * `.prepare(name)`. postgres.js then sends an unnamed statement, and for one with parameters it
 * must first ask the server for their types (Parse + Describe + Flush, wait, then Bind + Execute):
 * two round trips per statement. A prepared (named) statement is described once per connection;
 * from then on it is one round trip (Bind + Execute + Sync), and postgres.js can pipeline it.
 *
 * Only queries whose SQL text has a bounded number of shapes go through here: postgres.js keeps
 * every named statement of a connection for the connection's life (30–60 min), so a text that
 * varies without bound (an IN list per id count, a multi-row insert) must stay unprepared.
 * Setting app.* for row-level security is unaffected: the policies read the settings when the
 * statement runs, not when it is planned. `DATABASE_PREPARED_STATEMENTS=false` turns them off for
 * a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
 */
import { is, sql, SQL, type Placeholder } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client';

/** Drizzle ignores the name for postgres.js (which names statements itself); any name prepares. */
const NAME = 'kanso';

/** Renders raw SQL the way the app's Drizzle instance does (column names in snake_case). */
const dialect = new PgDialect({ casing: 'snake_case' });

/** A Drizzle query builder (select, insert/update/delete … returning), run as a prepared statement. */
export function prepared<T>(query: { prepare(name: string): { execute(): Promise<T> } }): Promise<T> {
  return query.prepare(NAME).execute();
}

/** A rendered statement: its text and its parameters (values, or placeholders to fill per call). */
interface Rendered {
  sql: string;
  params: unknown[];
}

/**
 * A statement of fixed shape that Drizzle renders once per process instead of once per call: `build`
 * makes the query with `sql.placeholder(name)` in place of every value, and each call runs the text
 * as a prepared statement with that call's `values` (each through its column's encoder, as Drizzle
 * binds them). Rows come as PostgreSQL names their columns. For the statements of the hottest paths
 * (the tenant settings, sign-in, the audit append): rendering a builder costs ≈ 0.2–0.4 ms of CPU,
 * more than the rest of the statement's client-side work. The text must not depend on the values.
 */
export function statement<V extends Record<string, unknown>, R = Record<string, unknown>>(
  build: (database: DbOrTx) => SQL | { toSQL(): Rendered },
  /** Rows as arrays, in select-list order, mapped by this (for a select list with repeated names, e.g. a join's two `id`s). */
  mapRow?: (row: unknown[]) => R,
): (database: DbOrTx, values: V) => Promise<R[]> {
  let rendered: Rendered | undefined;
  const mapRows = mapRow && ((rows: unknown[][]) => rows.map(mapRow));
  return (database, values) => {
    if (!rendered) {
      const query = build(database);
      rendered = is(query, SQL) ? dialect.sqlToQuery(query) : query.toSQL();
    }
    return database._.session.prepareQuery(rendered, undefined, NAME, mapRows !== undefined, mapRows as never).execute(values) as Promise<R[]>;
  };
}

/** `{ a: sql.placeholder('a'), … }` for `statement()`'s insert lists: each value named by its column. */
export function placeholders<K extends string>(...names: K[]): { [N in K]: Placeholder<N> } {
  return Object.fromEntries(names.map((name) => [name, sql.placeholder(name)])) as { [N in K]: Placeholder<N> };
}

/** Raw SQL run as a prepared statement; rows as PostgreSQL names their columns (no Drizzle mapping). */
export function preparedRows<T>(database: DbOrTx, query: SQL): Promise<T[]> {
  return database._.session.prepareQuery(dialect.sqlToQuery(query), undefined, NAME, false).execute() as Promise<T[]>;
}
