/**
 * The FLOOR of bench/http (PERF-1, docs/decisions/0017-benchmark-harness.md): the least a server
 * can do to answer the bench's four calls with Kanso's guarantees — bare `node:http` + postgres.js,
 * no framework, no tRPC, no ORM, no validation library, no logging — and nothing less:
 *
 *  - the same database role (kanso_app: no ownership, no BYPASSRLS, so row-level security applies),
 *    the same pool size (DATABASE_POOL_MAX, default 10), the same start-up settings
 *    (statement_timeout, idle_in_transaction_session_timeout) and named prepared statements;
 *  - the same session check on every request: the cookie's token hashed, then the app's one-statement
 *    lookup with its throttled last-seen touch (src/server/auth/session.ts);
 *  - the same RLS transaction: BEGIN, `app_enter_workspace(user, slug)` (drizzle/0007), the work,
 *    COMMIT;
 *  - the same SQL text, parameter for parameter, as the app sends (read from PostgreSQL's statement
 *    log: `npm run bench:http -- --sql` prints both sides' statements per scenario and compares them):
 *    the board read (the folded visibility check), the guarded versioned UPDATE … FROM previous with
 *    its activity row and outbox event (a stale version answers 409 with the current task), the
 *    guarded comment INSERT … SELECT with its activity row and outbox event, and password sign-in
 *    (user lookup, argon2id verify with @node-rs/argon2, the session insert, the user's account
 *    audit chain append — the entry hashed by the app's own src/server/audit/hash-chain.ts).
 *
 * It answers in tRPC's response shape (plain JSON, no transformer) and accepts inputs either plain
 * or superjson-wrapped (`{ json }`), so the bench drives it with the very requests it sends the app.
 * It serves members only (the bench's users): an owner's or admin's SQL differs (no visibility clause).
 *
 *   FLOOR_PORT (3404)  FLOOR_HOST (127.0.0.1)  DATABASE_URL (kanso_app)  DATABASE_POOL_MAX (10)
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { verify } from '@node-rs/argon2';
import postgres from 'postgres';
import { auditHash, GENESIS_HASH } from '../../src/server/audit/hash-chain';

const port = Number(process.env.FLOOR_PORT ?? 3404);
const host = process.env.FLOOR_HOST ?? '127.0.0.1';
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL (the application role) is required');

// As src/server/db/client.ts createDatabase (the defaults of src/server/platform/env.ts).
const sql = postgres(databaseUrl, {
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  prepare: true,
  idle_timeout: 30,
  connect_timeout: Number(process.env.DATABASE_CONNECT_TIMEOUT_MS ?? 3000) / 1000,
  onnotice: () => {},
  connection: {
    application_name: 'kanso-floor',
    statement_timeout: Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS ?? 10_000),
    idle_in_transaction_session_timeout: Number(process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? 30_000),
  },
});
type Sql = postgres.Sql | postgres.TransactionSql;
type Value = postgres.ParameterOrJSON<never>;
/** One named prepared statement, rows as arrays (as Drizzle reads them). */
const run = (db: Sql, text: string, params: Value[]) => db.unsafe(text, params, { prepare: true }).values() as Promise<unknown[][]>;

// ─── The app's SQL, verbatim (src/server/auth/session.ts, db/tenant.ts, tasks/*, audit/*) ───────

const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const TOUCH_INTERVAL_SECONDS = 5 * 60;
/** The registry of opened account chains (drizzle/0006). */
const ACCOUNT_CHAINS_REGISTRY_ID = '00000000-0000-0000-0000-000000000001';

const SESSION_LOOKUP =
  'with "touched" as (update "sessions" set "expires" = now() + make_interval(secs => $1), "last_seen_at" = now() where (("sessions"."token_hash" = $2 and "sessions"."expires" > now()) and "sessions"."last_seen_at" < now() - make_interval(secs => $3)) returning "id") select "sessions"."id", "users"."id", "users"."email", "users"."name", "users"."image", "users"."locale", "users"."email_verified", "users"."is_platform_admin" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where ("sessions"."token_hash" = $4 and "sessions"."expires" > now())';
const ENTER_WORKSPACE = 'SELECT id, slug, name, role FROM app_enter_workspace($1, $2)';
/** `inProjectVisibleTo` for a member (src/server/projects/access.ts), on `tasks.project_id` or an id. */
const visible = (project: string, visibility: number, viewer: number) =>
  `EXISTS (SELECT 1 FROM "projects" WHERE "projects"."id" = ${project} AND ("projects"."workspace_id" = app_workspace_id() and "projects"."deleted_at" is null and ("projects"."visibility" = $${visibility} or EXISTS (SELECT 1 FROM "project_members" WHERE "project_members"."project_id" = "projects"."id" AND "project_members"."user_id" = $${viewer}))))`;
const TASK_COLUMNS = '"id", "workspace_id", "project_id", "title", "description", "status", "assignee_id", "priority", "due_date", "labels", "position", "version", "created_by", "created_at", "updated_at"';
const TASK_KEYS = ['id', 'workspaceId', 'projectId', 'title', 'description', 'status', 'assigneeId', 'priority', 'dueDate', 'labels', 'position', 'version', 'createdBy', 'createdAt', 'updatedAt'] as const;
const TASK_LIST = `select ${TASK_COLUMNS} from "tasks" where ("tasks"."project_id" = $1 and ${visible('$2', 3, 4)}) order by "tasks"."status" asc, "tasks"."position" asc, "tasks"."id" asc limit $5`;
/** The app's guarded UPDATE for a title-only patch (the bench edits titles; another field set is another text). */
const TASK_UPDATE_TITLE = `update "tasks" set "title" = $1, "version" = "tasks"."version" + 1, "updated_at" = $2 from "tasks" "previous" where ("tasks"."id" = $3 and "previous"."id" = "tasks"."id" and "tasks"."version" = $4 and ${visible('"tasks"."project_id"', 5, 6)}) returning ${TASK_COLUMNS.split(', ')
  .map((c) => `"tasks".${c}`)
  .join(', ')}, "previous"."version", "previous"."title"`;
const TASK_FIND_VISIBLE = `select ${TASK_COLUMNS} from "tasks" where ("tasks"."id" = $1 and ${visible('"tasks"."project_id"', 2, 3)})`;
const ACTIVITY_INSERT = 'insert into "task_activity" ("id", "workspace_id", "task_id", "actor_id", "kind", "data", "created_at") values (default, $1, $2, $3, $4, $5, default)';
const OUTBOX_INSERT = 'insert into "outbox_events" ("id", "workspace_id", "project_id", "type", "payload", "actor_id", "request_id", "created_at") values (default, $1, $2, $3, $4, $5, $6, default)';
const COMMENT_INSERT = `insert into "task_comments" ("id", "workspace_id", "task_id", "author_id", "body", "version", "created_at", "updated_at") select $1::uuid as "id", $2::uuid as "workspace_id", "id", $3::uuid as "author_id", $4 as "body", 1 as "version", now() as "created_at", now() as "updated_at" from "tasks" where ("tasks"."id" = $5 and ${visible('"tasks"."project_id"', 6, 7)}) on conflict ("id") do nothing returning "id", "workspace_id", "task_id", "author_id", "body", "version", "created_at", "updated_at", (SELECT t.project_id FROM tasks t WHERE t.id = task_comments.task_id)`;
const COMMENT_KEYS = ['id', 'workspaceId', 'taskId', 'authorId', 'body', 'version', 'createdAt', 'updatedAt'] as const;
const USER_BY_EMAIL = 'select "id", "email", "password_hash", "email_verified", "locale" from "users" where "users"."email" = $1';
const SESSION_INSERT = 'insert into "sessions" ("id", "token_hash", "user_id", "expires", "user_agent", "ip", "last_seen_at", "created_at") values (default, $1, $2, $3, $4, $5, default, default) returning "id"';
const SET_TENANT = "SELECT set_config('app.workspace_id', $1, true), set_config('app.user_id', $2, true)";
const CHAIN_HEAD = 'insert into "audit_chains" ("chain_id", "seq", "hash") values ($1, $2, $3) on conflict ("chain_id") do update set "seq" = "audit_chains"."seq" returning "seq", "hash"';
const AUDIT_APPEND =
  'with "moved" as (update "audit_chains" set "seq" = $1, "hash" = $2 where "audit_chains"."chain_id" = $3 returning "chain_id") insert into "audit_log" ("id", "chain_id", "workspace_id", "seq", "actor_id", "action", "target_type", "target_id", "data", "ip", "request_id", "prev_hash", "hash", "created_at") values (default, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)';

// ─── Plumbing ──────────────────────────────────────────────────────────────────────────────────

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const asObject = <K extends string>(keys: readonly K[], row: unknown[]) => Object.fromEntries(keys.map((k, i) => [k, row[i]])) as Record<K, unknown>;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, path: string, error: Refusal): void {
  send(res, error.status, { error: { message: error.code, code: -32000, data: { code: error.code, httpStatus: error.status, path, ...error.extra } } });
}

/** The input, plain or superjson-wrapped. */
function unwrap(value: unknown): Record<string, unknown> {
  const v = value !== null && typeof value === 'object' && 'json' in value ? (value as { json: unknown }).json : value;
  if (v === null || typeof v !== 'object') throw new Refusal(400, 'BAD_REQUEST');
  return v as Record<string, unknown>;
}

function str(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 10_000) throw new Refusal(400, 'BAD_REQUEST');
  return v;
}

function int(input: Record<string, unknown>, key: string): number {
  const v = input[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Refusal(400, 'BAD_REQUEST');
  return v;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface Viewer {
  sessionId: string;
  userId: string;
  locale: string;
}

/** The session check of every request: the app's lookup (with its throttled touch), once. */
async function session(req: IncomingMessage): Promise<Viewer> {
  const token = cookie(req.headers.cookie, 'kanso.session');
  if (!token) throw new Refusal(401, 'UNAUTHORIZED');
  const tokenHash = hashToken(token);
  const [row] = await run(sql, SESSION_LOOKUP, [SESSION_MAX_AGE_SECONDS, tokenHash, TOUCH_INTERVAL_SECONDS, tokenHash]);
  if (!row) throw new Refusal(401, 'UNAUTHORIZED');
  return { sessionId: row[0] as string, userId: row[1] as string, locale: row[5] as string };
}

/** BEGIN, the workspace entered under RLS as the user (membership → role), `fn`, COMMIT. */
async function inWorkspace<T>(viewer: Viewer, slug: string, fn: (tx: postgres.TransactionSql, workspaceId: string) => Promise<T>): Promise<T> {
  return (await sql.begin(async (tx) => {
    const [entry] = await run(tx, ENTER_WORKSPACE, [viewer.userId, slug]);
    if (!entry) throw new Refusal(404, 'NOT_FOUND');
    if (entry[3] !== 'member') throw new Refusal(403, 'FORBIDDEN', { note: 'the floor serves members only' });
    return fn(tx, entry[0] as string);
  })) as T;
}

// ─── The four calls ────────────────────────────────────────────────────────────────────────────

async function taskList(req: IncomingMessage, input: Record<string, unknown>) {
  const viewer = await session(req);
  const projectId = str(input, 'projectId');
  return inWorkspace(viewer, str(input, 'workspaceSlug'), async (tx) => {
    const limit = 500;
    const rows = await run(tx, TASK_LIST, [projectId, projectId, 'workspace', viewer.userId, limit + 1]);
    if (rows.length === 0) throw new Refusal(404, 'NOT_FOUND');
    const items = rows.slice(0, limit).map((r) => asObject(TASK_KEYS, r));
    const last = items.at(-1)!;
    return { items, nextCursor: rows.length > limit ? `${String(last.status)}~${String(last.position)}~${String(last.id)}` : null };
  });
}

async function taskUpdate(req: IncomingMessage, input: Record<string, unknown>) {
  const viewer = await session(req);
  const taskId = str(input, 'taskId');
  const expectedVersion = int(input, 'expectedVersion');
  const title = str(input, 'title');
  const requestId = randomUUID();
  return inWorkspace(viewer, str(input, 'workspaceSlug'), async (tx, workspaceId) => {
    const [updated] = await run(tx, TASK_UPDATE_TITLE, [title, new Date().toISOString(), taskId, expectedVersion, 'workspace', viewer.userId]);
    if (!updated) {
      const [current] = await run(tx, TASK_FIND_VISIBLE, [taskId, 'workspace', viewer.userId]);
      if (!current) throw new Refusal(404, 'NOT_FOUND');
      throw new Refusal(409, 'CONFLICT', { current: asObject(TASK_KEYS, current) });
    }
    const row = asObject(TASK_KEYS, updated);
    await run(tx, ACTIVITY_INSERT, [workspaceId, taskId, viewer.userId, 'updated', JSON.stringify({ title: { from: updated[16], to: row.title }, version: row.version })]);
    await run(tx, OUTBOX_INSERT, [workspaceId, row.projectId as string, 'task.updated', JSON.stringify(row), viewer.userId, requestId]);
    return row;
  });
}

async function commentCreate(req: IncomingMessage, input: Record<string, unknown>) {
  const viewer = await session(req);
  const id = str(input, 'id');
  const taskId = str(input, 'taskId');
  const body = str(input, 'body');
  const requestId = randomUUID();
  return inWorkspace(viewer, str(input, 'workspaceSlug'), async (tx, workspaceId) => {
    const [inserted] = await run(tx, COMMENT_INSERT, [id, workspaceId, viewer.userId, body, taskId, 'workspace', viewer.userId]);
    if (!inserted) throw new Refusal(404, 'NOT_FOUND');
    const row = asObject(COMMENT_KEYS, inserted);
    await run(tx, ACTIVITY_INSERT, [workspaceId, taskId, viewer.userId, 'commented', JSON.stringify({ commentId: row.id, body: row.body })]);
    await run(tx, OUTBOX_INSERT, [workspaceId, inserted[8] as string, 'comment.created', JSON.stringify(row), viewer.userId, requestId]);
    return row;
  });
}

/** src/server/audit/audit-service.ts appendToChain: lock the head (upsert), hash, insert + move the head. */
async function appendToChain(tx: postgres.TransactionSql, chainId: string, entry: { actorId: string | null; action: string; targetType: string; targetId: string; data: Record<string, unknown>; ip: string | null; requestId: string }): Promise<number> {
  const [head] = await run(tx, CHAIN_HEAD, [chainId, 0, GENESIS_HASH]);
  if (!head) throw new Error('audit chain head not visible');
  const prevHash = head[1] as string;
  const content = { workspaceId: null, seq: Number(head[0]) + 1, ...entry };
  const createdAt = new Date();
  const hash = auditHash(prevHash, { ...content, createdAt });
  await run(tx, AUDIT_APPEND, [content.seq, hash, chainId, chainId, null, content.seq, content.actorId, content.action, content.targetType, content.targetId, JSON.stringify(content.data), content.ip, content.requestId, prevHash, hash, createdAt.toISOString()]);
  return content.seq;
}

async function signIn(req: IncomingMessage, input: Record<string, unknown>, res: ServerResponse) {
  const email = str(input, 'email').trim().toLowerCase();
  const password = str(input, 'password');
  const [user] = await run(sql, USER_BY_EMAIL, [email]);
  // (The app also audits a failed sign-in of an existing account; the bench signs in correctly.)
  if (!user?.[2] || !(await verify(user[2] as string, password).catch(() => false))) throw new Refusal(401, 'UNAUTHORIZED');
  if (!user[3]) throw new Refusal(403, 'FORBIDDEN');
  const userId = user[0] as string;
  const ip = req.socket.remoteAddress ?? null;
  const requestId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  await sql.begin(async (tx) => {
    const [created] = await run(tx, SESSION_INSERT, [hashToken(token), userId, expires.toISOString(), req.headers['user-agent']?.slice(0, 512) ?? null, ip?.slice(0, 64) ?? null]);
    await run(tx, SET_TENANT, ['', userId]);
    const seq = await appendToChain(tx, userId, { actorId: userId, action: 'auth.signed_in', targetType: 'user', targetId: userId, data: { method: 'password', sessionId: created![0] }, ip, requestId });
    if (seq === 1) await appendToChain(tx, ACCOUNT_CHAINS_REGISTRY_ID, { actorId: null, action: 'audit.chain_opened', targetType: 'audit_chain', targetId: userId, data: {}, ip: null, requestId });
  });
  res.setHeader('set-cookie', `kanso.session=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Expires=${expires.toUTCString()}`);
  return { redirectTo: `/${user[4] as string}/w` };
}

// ─── HTTP ──────────────────────────────────────────────────────────────────────────────────────

const queries: Record<string, (req: IncomingMessage, input: Record<string, unknown>) => Promise<unknown>> = { 'task.list': taskList };
const mutations: Record<string, (req: IncomingMessage, input: Record<string, unknown>, res: ServerResponse) => Promise<unknown>> = {
  'task.update': taskUpdate,
  'comment.create': commentCreate,
  'auth.signIn': signIn,
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) reject(new Refusal(413, 'PAYLOAD_TOO_LARGE'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = url.slice(0, q < 0 ? undefined : q);
  if (path === '/health') return send(res, 200, { status: 'ok', service: 'kanso-floor' });
  const procedure = path.startsWith('/api/trpc/') ? path.slice('/api/trpc/'.length) : '';
  try {
    if (req.method === 'GET' && queries[procedure]) {
      const raw = new URLSearchParams(q < 0 ? '' : url.slice(q + 1)).get('input');
      const input = unwrap(JSON.parse(raw ?? 'null'));
      return send(res, 200, { result: { data: await queries[procedure](req, input) } });
    }
    if (req.method === 'POST' && mutations[procedure]) {
      const input = unwrap(JSON.parse(await readBody(req)));
      return send(res, 200, { result: { data: await mutations[procedure](req, input, res) } });
    }
    throw new Refusal(404, 'NOT_FOUND');
  } catch (error) {
    if (error instanceof Refusal) return refuse(res, procedure, error);
    if (error instanceof SyntaxError) return refuse(res, procedure, new Refusal(400, 'PARSE_ERROR'));
    return refuse(res, procedure, new Refusal(500, 'INTERNAL_SERVER_ERROR'));
  }
}

const server = createServer((req, res) => void handle(req, res));
server.listen(port, host, () => console.log(`[floor] listening on http://${host}:${port} (pool ${String(sql.options.max)})`));

const stop = () => {
  server.close();
  server.closeAllConnections();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
