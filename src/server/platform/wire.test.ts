import { describe, expect, it } from 'vitest';
import { realtimeEventRecord } from '@/server/api/routers/realtime';
import { toRealtimeEvent } from '@/server/realtime-events/outbox';
import { taskRecord, taskRowToWire, taskToWire } from '@/server/tasks/board-schemas';
import { iso, isoTimestamp, isoTimestampInput, pgTimestampToIso, toWire, typedOutput } from './wire';

const at = new Date('2026-12-02T06:50:08.123Z');

/** A task row as Drizzle maps it. */
const taskRow = {
  id: '00000000-0000-4000-8000-000000000001',
  workspaceId: '00000000-0000-4000-8000-000000000002',
  projectId: '00000000-0000-4000-8000-000000000003',
  title: 'T',
  description: '',
  status: 'todo' as const,
  assigneeId: null,
  priority: 'none' as const,
  dueDate: '2026-12-24',
  labels: ['a'],
  position: 'V',
  version: 2,
  createdBy: null,
  createdAt: at,
  updatedAt: at,
};

describe('the wire format (ADR 0013)', () => {
  it('turns Dates into ISO strings at any depth and keeps everything else', () => {
    const value = {
      a: at,
      b: null,
      n: 3,
      s: 'x',
      list: [{ when: at, tags: ['t'] }, { when: null }],
      nested: { deeper: { at }, record: { k: 1 } },
    };
    expect(toWire(value)).toEqual({
      a: '2026-12-02T06:50:08.123Z',
      b: null,
      n: 3,
      s: 'x',
      list: [{ when: '2026-12-02T06:50:08.123Z', tags: ['t'] }, { when: null }],
      nested: { deeper: { at: '2026-12-02T06:50:08.123Z' }, record: { k: 1 } },
    });
    // The input is not mutated; parts without a Date are shared, not copied.
    expect(value.a).toBe(at);
    expect(toWire(value).nested.record).toBe(value.nested.record);
    expect(JSON.parse(JSON.stringify(toWire(value)))).toEqual(toWire(value));
  });

  it('writes what the output schema accepts, and reads back the same instant', () => {
    expect(isoTimestamp.parse(iso(at))).toBe('2026-12-02T06:50:08.123Z');
    expect(new Date(iso(at)).getTime()).toBe(at.getTime());
    expect(iso(null)).toBeNull();
    expect(isoTimestamp.safeParse('2026-12-02').success).toBe(false);
    expect(isoTimestamp.safeParse('2026-12-02T06:50:08.123+01:00').success).toBe(false);
  });

  it('accepts client timestamps with an offset as Dates, refuses anything else', () => {
    expect(isoTimestampInput.parse('2026-12-02T07:50:08.123+01:00')).toEqual(at);
    expect(isoTimestampInput.parse('2026-12-02T06:50:08.123Z')).toEqual(at);
    expect(isoTimestampInput.safeParse('yesterday').success).toBe(false);
    expect(isoTimestampInput.safeParse(at).success).toBe(false);
  });

  it('maps a task row field by field: nothing outside the contract, every field as the contract says', () => {
    const extra = { ...taskRow, secret: 'must not travel' };
    const wire = taskToWire(extra);
    expect(wire).not.toHaveProperty('secret');
    expect(taskRecord.strict().parse(wire)).toEqual(wire);
    expect(wire.updatedAt).toBe('2026-12-02T06:50:08.123Z');
  });

  it('reads PostgreSQL timestamptz text as new Date(text).toISOString() would, for every fraction and offset', () => {
    const texts = [
      '2026-12-02 06:50:08+00',
      '2026-12-02 06:50:08.1+00',
      '2026-12-02 06:50:08.12+00',
      '2026-12-02 06:50:08.123+00',
      '2026-12-02 06:50:08.123999+00',
      '1999-12-31 23:59:59.999999+00',
      '2026-12-02 07:50:08.123456+01',
      '2026-12-02 01:20:08.5-05:30',
    ];
    for (const text of texts) expect(pgTimestampToIso(text)).toBe(new Date(text).toISOString());
    expect(pgTimestampToIso('2026-12-02 06:50:08.123456+00')).toBe('2026-12-02T06:50:08.123Z');
    expect(isoTimestamp.parse(pgTimestampToIso('2026-12-02 06:50:08+00'))).toBe('2026-12-02T06:50:08.000Z');
  });

  it('maps a raw task row to the same record as taskToWire, and nothing else', () => {
    // The same task as PostgreSQL sends it: column names, timestamps as text.
    const raw = {
      id: taskRow.id,
      workspace_id: taskRow.workspaceId,
      project_id: taskRow.projectId,
      title: taskRow.title,
      description: taskRow.description,
      status: taskRow.status,
      assignee_id: taskRow.assigneeId,
      priority: taskRow.priority,
      due_date: taskRow.dueDate,
      labels: taskRow.labels,
      position: taskRow.position,
      version: taskRow.version,
      created_by: taskRow.createdBy,
      created_at: '2026-12-02 06:50:08.123456+00',
      updated_at: '2026-12-02 06:50:08.123+00',
    };
    const wire = taskRowToWire({ ...raw, secret: 'must not travel' } as typeof raw);
    expect(taskRecord.strict().parse(wire)).toEqual(wire);
    expect(wire).toStrictEqual(taskToWire(taskRow));
  });

  it('maps an outbox event to exactly what realtime.events promises', () => {
    const row = {
      id: 7,
      workspaceId: '00000000-0000-4000-8000-000000000002',
      projectId: '00000000-0000-4000-8000-000000000003',
      type: 'task.updated',
      payload: { id: 'x', version: 2, updatedAt: '2026-12-02T06:50:08.123Z' },
      actorId: null,
      requestId: 'r',
      createdAt: at,
    };
    const wire = toRealtimeEvent(row);
    expect(realtimeEventRecord.strict().parse(wire)).toEqual(wire);
    expect(wire).not.toHaveProperty('workspaceId');
    expect(wire).not.toHaveProperty('requestId');
  });

  it('a typed output contract passes the value through untouched', () => {
    const value = { items: [] as unknown[], nextCursor: null };
    expect(typedOutput(isoTimestamp)(value)).toBe(value);
  });
});
