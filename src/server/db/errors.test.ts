/**
 * The database-failure recogniser against errors captured from real failures: a refused port, a
 * server that never answers, a terminated backend, wrong credentials, a missing database, a
 * statement timeout, a role at its connection limit, a deadlock, a serialization failure, an ended
 * pool — as postgres.js raises them, and wrapped as Drizzle and tRPC hand them on.
 */
import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql as drizzleSql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { cluster, superSql, superuserUrl, testDatabase } from '../../../test/support/db';
import { refusedUrl, silentServer } from '../../../test/support/outage';
import { createDatabase } from './client';
import { databaseErrorCode, databaseFailure, databaseUnavailableError, isUniqueViolation } from './errors';

const clients: postgres.Sql[] = [];
function client(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2, ...options });
  clients.push(sql);
  return sql;
}

/** The error `promise` rejects with (fails the test when it resolves). */
async function failureOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 1 }).catch(() => {})));
});

describe('databaseFailure (real errors)', () => {
  it('a refused connection is unreachable — also wrapped by Drizzle and by tRPC', async () => {
    const url = await refusedUrl(testDatabase().appUrl);
    const raw = await failureOf(client(url)`SELECT 1`);
    expect(databaseErrorCode(raw)).toBe('ECONNREFUSED');
    expect(databaseFailure(raw)).toBe('unreachable');

    const database = createDatabase(url, 1);
    const viaDrizzle = await failureOf(database.execute(drizzleSql`SELECT 1`));
    await database.$client.end();
    expect((viaDrizzle as Error).constructor.name).toBe('DrizzleQueryError');
    expect(databaseFailure(viaDrizzle)).toBe('unreachable');
    expect(databaseFailure(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: viaDrizzle }))).toBe('unreachable');
  });

  it('a server that accepts but never answers is a timeout (connect_timeout)', async () => {
    const silent = await silentServer(testDatabase().appUrl);
    try {
      const error = await failureOf(client(silent.url, { connect_timeout: 0.3 })`SELECT 1`);
      expect(databaseErrorCode(error)).toBe('CONNECT_TIMEOUT');
      expect(databaseFailure(error)).toBe('timeout');
    } finally {
      await silent.close();
    }
  });

  it('a backend terminated under a query is a lost connection', async () => {
    const victim = client(superuserUrl());
    const [{ pid } = { pid: 0 }] = await victim<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const running = failureOf(victim`SELECT pg_sleep(5)`);
    // Wait until the query runs, then terminate its backend as an operator (or a restart) would.
    for (let i = 0; i < 100; i += 1) {
      const [row] = await superSql()`SELECT state FROM pg_stat_activity WHERE pid = ${pid}`;
      if (row?.state === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await superSql()`SELECT pg_terminate_backend(${pid})`;
    const error = await running;
    expect(databaseErrorCode(error)).toBe('CONNECTION_CLOSED');
    expect(databaseFailure(error)).toBe('unreachable');
  });

  it('wrong credentials are auth, a missing database is databaseMissing', async () => {
    const wrong = new URL(testDatabase().appUrl);
    wrong.password = 'not-the-password';
    const auth = await failureOf(client(wrong.toString())`SELECT 1`);
    expect(databaseErrorCode(auth)).toBe('28P01');
    expect(databaseFailure(auth)).toBe('auth');

    const missing = new URL(testDatabase().appUrl);
    missing.pathname = `/no_such_${randomBytes(4).toString('hex')}`;
    const gone = await failureOf(client(missing.toString())`SELECT 1`);
    expect(databaseErrorCode(gone)).toBe('3D000');
    expect(databaseFailure(gone)).toBe('databaseMissing');
  });

  it('a statement past statement_timeout (set by createDatabase) is statementTimeout, busy rather than down', async () => {
    const database = createDatabase(testDatabase().appUrl, 1, { statementTimeoutMs: 50 });
    const error = await failureOf(database.execute(drizzleSql`SELECT pg_sleep(2)`));
    await database.$client.end();
    expect(databaseErrorCode(error)).toBe('57014');
    expect(databaseFailure(error)).toBe('statementTimeout');
    expect(databaseUnavailableError(error)).toMatchObject({ code: 'UNAVAILABLE', key: 'generic.databaseBusy', details: { retryAfter: 2 } });
  });

  it('a role at its connection limit is overloaded', async () => {
    const role = `limited_${randomBytes(4).toString('hex')}`;
    await superSql().unsafe(`CREATE ROLE ${role} LOGIN PASSWORD 'pw' CONNECTION LIMIT 1`);
    try {
      const url = new URL(cluster().superuserUrl);
      url.username = role;
      url.password = 'pw';
      await client(url.toString())`SELECT 1`;
      const error = await failureOf(client(url.toString())`SELECT 1`);
      expect(databaseErrorCode(error)).toBe('53300');
      expect(databaseFailure(error)).toBe('overloaded');
    } finally {
      for (const c of clients.splice(0)) await c.end({ timeout: 1 });
      await superSql().unsafe(`DROP ROLE ${role}`);
    }
  });

  it('a deadlock and a serialization failure are conflicts (retryable)', async () => {
    const table = `t_${randomBytes(4).toString('hex')}`;
    await superSql().unsafe(`CREATE TABLE ${table} (id int PRIMARY KEY, v int NOT NULL)`);
    await superSql().unsafe(`INSERT INTO ${table} VALUES (1, 0), (2, 0)`);
    const [a, b] = [client(superuserUrl()), client(superuserUrl())];
    const pause = () => new Promise((resolve) => setTimeout(resolve, 150));
    const deadlock = await failureOf(
      Promise.all([
        a.begin(async (tx) => {
          await tx.unsafe(`UPDATE ${table} SET v = 1 WHERE id = 1`);
          await pause();
          await tx.unsafe(`UPDATE ${table} SET v = 1 WHERE id = 2`);
        }),
        b.begin(async (tx) => {
          await tx.unsafe(`UPDATE ${table} SET v = 2 WHERE id = 2`);
          await pause();
          await tx.unsafe(`UPDATE ${table} SET v = 2 WHERE id = 1`);
        }),
      ]),
    );
    expect(databaseErrorCode(deadlock)).toBe('40P01');
    expect(databaseFailure(deadlock)).toBe('conflict');

    const serial = await failureOf(
      Promise.all(
        [a, b].map((c, i) =>
          c.begin('isolation level serializable', async (tx) => {
            await tx.unsafe(`SELECT sum(v) FROM ${table}`);
            await pause();
            await tx.unsafe(`UPDATE ${table} SET v = v + 1 WHERE id = ${i + 1}`);
          }),
        ),
      ),
    );
    expect(databaseErrorCode(serial)).toBe('40001');
    expect(databaseFailure(serial)).toBe('conflict');
    expect(databaseUnavailableError(serial)?.details).toMatchObject({ retryAfter: 1 });
  });

  it('a query on an ended pool is unreachable', async () => {
    const sql = client(superuserUrl());
    await sql`SELECT 1`;
    await sql.end();
    const error = await failureOf(sql`SELECT 1`);
    expect(databaseErrorCode(error)).toBe('CONNECTION_ENDED');
    expect(databaseFailure(error)).toBe('unreachable');
  });

  it('is null for errors that are not about the database being unavailable', async () => {
    const table = `u_${randomBytes(4).toString('hex')}`;
    await superSql().unsafe(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await superSql().unsafe(`INSERT INTO ${table} VALUES (1)`);
    const duplicate = await failureOf(superSql().unsafe(`INSERT INTO ${table} VALUES (1)`));
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(databaseFailure(duplicate)).toBeNull();
    const syntax = await failureOf(superSql().unsafe('SELEC 1'));
    expect(databaseFailure(syntax)).toBeNull();
    expect(databaseFailure(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'bug' }))).toBeNull();
    expect(databaseFailure(new Error('bug'))).toBeNull();
    expect(databaseUnavailableError(new Error('bug'))).toBeNull();
  });
});
