import { describe, expect, it } from 'vitest';
import { superSql, testDb } from '../../../test/support/db';
import { DEMO_PROJECT, DEMO_WORKSPACE, seedDemoData } from './seed';

describe('demo seed', () => {
  it('creates the demo workspace with a board once, however often it runs', async () => {
    await seedDemoData(testDb());
    await seedDemoData(testDb());
    const rows = await superSql()`
      SELECT p.name, t.status, count(*)::int AS n
      FROM projects p JOIN workspaces w ON w.id = p.workspace_id JOIN tasks t ON t.project_id = p.id
      WHERE w.slug = ${DEMO_WORKSPACE.slug}
      GROUP BY p.name, t.status ORDER BY t.status`;
    expect(rows).toEqual([
      { name: DEMO_PROJECT.name, status: 'done', n: 2 },
      { name: DEMO_PROJECT.name, status: 'in_progress', n: 2 },
      { name: DEMO_PROJECT.name, status: 'todo', n: 3 },
    ]);
  });
});
