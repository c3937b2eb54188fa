/**
 * Issue 11: input PostgreSQL cannot store (NUL, a lone UTF-16 surrogate) or a column cannot hold
 * (an int4 past 2^31 − 1) is a 400 with a field error over HTTP, never a 500, and nothing is written.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../../messages/en.json';
import { superSql } from '../../../test/support/db';
import { callerAs, makeUser, makeWorkspace } from '../../../test/support/trpc';

const INVALID_CHARACTERS = en.errors.validation.invalidCharacters;
const NUL = 'bad\u0000text';

interface Answer {
  status: number;
  appCode?: string;
  fieldErrors?: Record<string, string> | null;
}

let cookie = '';
let slug = '';
let projectId = '';
let taskId = '';
let ownerId = '';

/** One procedure call through the real HTTP handler (GET for queries, POST for mutations), as the session in `cookie`. */
async function call(path: string, input: unknown, options: { query?: boolean; signedOut?: boolean } = {}): Promise<Answer> {
  const { GET, POST } = await import('@/app/api/trpc/[trpc]/route');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-kanso-locale': 'en', 'x-kanso-client-ip': '127.0.0.1' };
  if (!options.signedOut) headers.cookie = cookie;
  const url = `http://localhost/api/trpc/${path}`;
  const response = options.query
    ? await GET(new Request(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers }))
    : await POST(new Request(url, { method: 'POST', headers, body: JSON.stringify(input) }));
  const json = (await response.json()) as { error?: { data: { appCode: string; fieldErrors: Record<string, string> | null } } };
  return { status: response.status, appCode: json.error?.data.appCode, fieldErrors: json.error?.data.fieldErrors };
}

async function count(table: string): Promise<number> {
  const [row] = await superSql().unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return row?.n ?? -1;
}

beforeAll(async () => {
  const owner = await makeUser();
  ownerId = owner.id;
  const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
  slug = ws.slug;
  const { caller, jar } = await callerAs(owner.id);
  cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
  projectId = (await caller.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'Launch' })).id;
  taskId = (await caller.task.create({ workspaceSlug: slug, id: randomUUID(), projectId, title: 'Write copy' })).id;
});

describe('text PostgreSQL cannot store is a field error', () => {
  const cases: Array<{ name: string; table: string; path: string; field: string; input: () => Record<string, unknown>; signedOut?: boolean }> = [
    { name: 'task title', table: 'tasks', path: 'task.create', field: 'title', input: () => ({ workspaceSlug: slug, id: randomUUID(), projectId, title: NUL }) },
    { name: 'task description', table: 'tasks', path: 'task.create', field: 'description', input: () => ({ workspaceSlug: slug, id: randomUUID(), projectId, title: 'ok', description: NUL }) },
    { name: 'task label', table: 'tasks', path: 'task.create', field: 'labels.1', input: () => ({ workspaceSlug: slug, id: randomUUID(), projectId, title: 'ok', labels: ['fine', NUL] }) },
    { name: 'task title (lone high surrogate)', table: 'tasks', path: 'task.create', field: 'title', input: () => ({ workspaceSlug: slug, id: randomUUID(), projectId, title: 'bad\ud800' }) },
    { name: 'task title (unpaired low surrogate)', table: 'tasks', path: 'task.create', field: 'title', input: () => ({ workspaceSlug: slug, id: randomUUID(), projectId, title: '\udc00bad' }) },
    { name: 'task description (lone surrogate)', table: 'tasks', path: 'task.create', field: 'description', input: () => ({ workspaceSlug: slug, id: randomUUID(), projectId, title: 'ok', description: 'x\ud83d' }) },
    { name: 'comment body', table: 'task_comments', path: 'comment.create', field: 'body', input: () => ({ workspaceSlug: slug, id: randomUUID(), taskId, body: NUL }) },
    { name: 'project name', table: 'projects', path: 'project.create', field: 'name', input: () => ({ workspaceSlug: slug, id: randomUUID(), name: NUL }) },
    { name: 'project description', table: 'projects', path: 'project.create', field: 'description', input: () => ({ workspaceSlug: slug, id: randomUUID(), name: 'ok', description: NUL }) },
    { name: 'workspace name', table: 'workspaces', path: 'workspace.create', field: 'name', input: () => ({ name: NUL }) },
    { name: 'sign-up name (anonymous)', table: 'users', path: 'auth.signUp', field: 'name', signedOut: true, input: () => ({ email: `nul-${Date.now()}@example.test`, password: 'a long and unusual passphrase 81', name: NUL }) },
  ];

  for (const c of cases) {
    it(`${c.name}: 400 with the field error, no row written`, async () => {
      const before = await count(c.table);
      const answer = await call(c.path, c.input(), { signedOut: c.signedOut });
      expect(answer).toMatchObject({ status: 400, appCode: 'BAD_REQUEST' });
      expect(answer.fieldErrors?.[c.field]).toBe(INVALID_CHARACTERS);
      expect(await count(c.table)).toBe(before);
    });
  }

  it('updates: a NUL in a task title, a project name, a comment body or a workspace name changes nothing', async () => {
    const { caller } = await callerAs(ownerId);
    const comment = await caller.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId, body: 'Looks good' });
    const answers = {
      title: await call('task.update', { workspaceSlug: slug, taskId, expectedVersion: 1, title: NUL }),
      name: await call('project.update', { workspaceSlug: slug, projectId, expectedVersion: 1, name: NUL }),
      body: await call('comment.update', { workspaceSlug: slug, commentId: comment.id, expectedVersion: 1, body: NUL }),
      rename: await call('workspace.rename', { workspaceSlug: slug, name: NUL }),
    };
    for (const [field, answer] of Object.entries(answers)) {
      expect(answer.status, field).toBe(400);
      expect(answer.fieldErrors?.[field === 'rename' ? 'name' : field], field).toBe(INVALID_CHARACTERS);
    }
    const [task] = await superSql()`SELECT title, version FROM tasks WHERE id = ${taskId}`;
    expect(task).toEqual({ title: 'Write copy', version: 1 });
    const [project] = await superSql()`SELECT name, version FROM projects WHERE id = ${projectId}`;
    expect(project).toEqual({ name: 'Launch', version: 1 });
    const [row] = await superSql()`SELECT body FROM task_comments WHERE id = ${comment.id}`;
    expect(row).toEqual({ body: 'Looks good' });
  });

  it('text GET filters: a NUL in the task label filter, the audit actor filter, the member cursor or the workspace slug is a 400', async () => {
    const answers = {
      label: await call('task.list', { workspaceSlug: slug, projectId, label: NUL }, { query: true }),
      actorEmail: await call('audit.list', { workspaceSlug: slug, actorEmail: NUL }, { query: true }),
      cursor: await call('member.list', { workspaceSlug: slug, cursor: NUL }, { query: true }),
      workspaceSlug: await call('task.list', { workspaceSlug: `${slug}\u0000`, projectId }, { query: true }),
    };
    for (const [field, answer] of Object.entries(answers)) {
      expect(answer.status, field).toBe(400);
      expect(answer.fieldErrors?.[field], field).toBe(INVALID_CHARACTERS);
    }
  });

  it('a well-formed surrogate pair (an emoji) is stored as sent', async () => {
    const answer = await call('task.create', { workspaceSlug: slug, id: randomUUID(), projectId, title: 'Ship it 🚀', labels: ['🎯'] });
    expect(answer.status).toBe(200);
    const [row] = await superSql()`SELECT title, labels FROM tasks WHERE title = 'Ship it 🚀'`;
    expect(row).toEqual({ title: 'Ship it 🚀', labels: ['🎯'] });
  });
});

describe('integers are bounded to their columns', () => {
  it('expectedVersion 2147483648 (past int4) is a 400 on expectedVersion, and the task is unchanged', async () => {
    for (const path of ['task.update', 'task.move'] as const) {
      const answer = await call(path, { workspaceSlug: slug, taskId, expectedVersion: 2_147_483_648, ...(path === 'task.update' ? { title: 'x' } : { status: 'done' }) });
      expect(answer, path).toMatchObject({ status: 400, appCode: 'BAD_REQUEST' });
      expect(answer.fieldErrors?.expectedVersion, path).toBeTruthy();
    }
    const project = await call('project.update', { workspaceSlug: slug, projectId, expectedVersion: 2_147_483_648, name: 'x' });
    expect(project.status).toBe(400);
    const [task] = await superSql()`SELECT title, status, version FROM tasks WHERE id = ${taskId}`;
    expect(task).toMatchObject({ title: 'Write copy', version: 1 });
  });

  it('the largest int4 is accepted as a version (a CONFLICT, not a failed query)', async () => {
    const answer = await call('task.update', { workspaceSlug: slug, taskId, expectedVersion: 2_147_483_647, title: 'x' });
    expect(answer.status).toBe(409);
  });

  it('page sizes and cursors past their bounds are a 400', async () => {
    expect((await call('task.list', { workspaceSlug: slug, projectId, limit: 2_147_483_648 }, { query: true })).status).toBe(400);
    expect((await call('audit.list', { workspaceSlug: slug, cursor: 2 ** 63 }, { query: true })).status).toBe(400);
    expect((await call('realtime.events', { workspaceSlug: slug, projectId, afterId: 2 ** 60 }, { query: true })).status).toBe(400);
  });
});
