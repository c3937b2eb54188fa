/**
 * `checkAccessMany` (one statement for many users: app_realtime_access, ADR 0015) answers exactly
 * what `checkAccess` (one transaction per user) answers, for every kind of user and project —
 * against real PostgreSQL with row-level security.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import { addProjectMember, createProject, deleteProject } from '@/server/projects/project-service';
import { checkAccess, checkAccessMany } from '@/server/realtime/access';
import { testDb } from '../support/db';
import { makeUser, makeWorkspace } from '../support/trpc';

describe('checkAccessMany', () => {
  const users: Record<string, string> = {};
  let workspace: { id: string };
  const projects: Record<string, string> = {};

  beforeAll(async () => {
    for (const name of ['owner', 'admin', 'member', 'projectMember', 'outsider']) users[name] = (await makeUser()).id;
    workspace = await makeWorkspace([
      { userId: users.owner!, role: 'owner' },
      { userId: users.admin!, role: 'admin' },
      { userId: users.member!, role: 'member' },
      { userId: users.projectMember!, role: 'member' },
    ]);
    const other = await makeWorkspace([{ userId: users.outsider!, role: 'owner' }]);
    const actor = { userId: users.owner!, role: 'owner' as const, requestId: 'test' };
    await withTenant(testDb(), { workspaceId: workspace.id, userId: users.owner! }, async (tx) => {
      for (const [name, visibility] of [['public', 'workspace'], ['private', 'private'], ['deleted', 'workspace']] as const) {
        projects[name] = randomUUID();
        await createProject(tx, actor, { workspaceId: workspace.id }, { id: projects[name]!, name, visibility });
      }
      await addProjectMember(tx, actor, { workspaceId: workspace.id }, { projectId: projects.private!, userId: users.projectMember! });
      await deleteProject(tx, actor, { workspaceId: workspace.id }, { id: projects.deleted!, expectedVersion: 1 });
    });
    projects.foreign = randomUUID();
    await withTenant(testDb(), { workspaceId: other.id, userId: users.outsider! }, (tx) =>
      createProject(tx, { userId: users.outsider!, role: 'owner', requestId: 'test' }, { workspaceId: other.id }, { id: projects.foreign!, name: 'foreign' }),
    );
    projects.unknown = randomUUID();
  });

  it('agrees with checkAccess for every user × project, in one call', async () => {
    const asked = Object.values(projects);
    const many = await checkAccessMany(testDb(), workspace.id, new Map(Object.values(users).map((u) => [u, asked])));
    for (const [name, userId] of Object.entries(users)) {
      const one = await checkAccess(testDb(), userId, workspace.id, asked);
      const got = many.get(userId)!;
      expect({ name, role: got.role, visible: [...got.visible].sort() }).toEqual({ name, role: one.role, visible: [...one.visible].sort() });
    }
    // Spelled out, so the agreement is not of two wrong answers.
    const visible = (name: string) => [...many.get(users[name]!)!.visible].map((id) => Object.keys(projects).find((k) => projects[k] === id)).sort();
    expect(visible('owner')).toEqual(['private', 'public']);
    expect(visible('admin')).toEqual(['private', 'public']);
    expect(visible('member')).toEqual(['public']);
    expect(visible('projectMember')).toEqual(['private', 'public']);
    expect(many.get(users.outsider!)).toEqual({ role: null, visible: new Set() });
  });

  it('answers every asked user, also with no projects and in batches', async () => {
    const many = await checkAccessMany(testDb(), workspace.id, new Map([[users.member!, []], [randomUUID(), [projects.public!]]]));
    expect([...many.values()].map((v) => v.role)).toEqual(['member', null]);
  });
});
