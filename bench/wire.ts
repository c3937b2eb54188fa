/**
 * Wire micro-bench (issue 10, ADR 0013): what one `task.list` answer of 200 tasks costs to put on the
 * wire and to read back, in process, without HTTP or a database.
 *
 *   npm run bench:wire -- [--tasks=200] [--iterations=2000]
 *
 * Rows look like Drizzle's (Dates for the timestamps, a 200-character description, two labels).
 * Printed per answer (mean, p50, p95 in µs):
 *   - server, today: `taskToWire` per row + JSON.stringify of the tRPC envelope (no output parse);
 *   - server, with a runtime output parse: the same plus `taskRecord` parsed by zod per row (what
 *     `.output(schema)` would add on the hot list);
 *   - client: JSON.parse of the body (the dates stay ISO strings until a view formats one).
 * The figures of the transformer this replaced (and of its zod parse of Dates) are in
 * docs/decisions/0013-wire-format.md, measured with this script before that dependency went.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { taskRecord, taskToWire } from '@/server/tasks/board-schemas';
import type { tasks } from '@/server/db/schema/boards';
import { benchArgs, percentile } from './lib/cli';

type TaskRow = typeof tasks.$inferSelect;

const args = benchArgs();
const TASKS = Number(args.tasks ?? 200);
const ITERATIONS = Number(args.iterations ?? 2000);
const WARMUP = Math.min(500, ITERATIONS);

function rows(count: number): TaskRow[] {
  const workspaceId = randomUUID();
  const projectId = randomUUID();
  const people = Array.from({ length: 8 }, () => randomUUID());
  const statuses = ['todo', 'in_progress', 'done'] as const;
  const start = Date.UTC(2026, 10, 1);
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    workspaceId,
    projectId,
    title: `Task ${i}: check the ${i % 7 === 0 ? 'release notes' : 'board layout'} before the demo`,
    description: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4).slice(0, 200),
    status: statuses[i % 3]!,
    assigneeId: i % 4 === 0 ? null : people[i % people.length]!,
    priority: (['none', 'low', 'medium', 'high', 'urgent'] as const)[i % 5]!,
    dueDate: i % 3 === 0 ? '2026-12-24' : null,
    labels: i % 2 === 0 ? ['frontend', 'q4'] : ['backend'],
    position: `a${i.toString(36).padStart(4, '0')}`,
    version: 1 + (i % 9),
    createdBy: people[0]!,
    createdAt: new Date(start + i * 60_000),
    updatedAt: new Date(start + i * 90_000 + 123),
  }));
}

interface Case {
  name: string;
  run: () => unknown;
}

function measure({ name, run }: Case): { name: string; mean: number; p50: number; p95: number } {
  for (let i = 0; i < WARMUP; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { name, mean: samples.reduce((a, b) => a + b, 0) / samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

const data = rows(TASKS);
const page = { items: data, nextCursor: null };
const listOutput = z.object({ items: z.array(taskRecord), nextCursor: z.string().nullable() });
const envelope = (payload: unknown) => JSON.stringify([{ result: { data: payload } }]);
const body = envelope({ items: data.map(taskToWire), nextCursor: null });

const cases: Case[] = [
  { name: 'server: map + JSON.stringify', run: () => envelope({ items: page.items.map(taskToWire), nextCursor: page.nextCursor }) },
  {
    name: 'server: map + zod output parse + JSON.stringify',
    run: () => envelope(listOutput.parse({ items: page.items.map(taskToWire), nextCursor: page.nextCursor })),
  },
  { name: 'server: zod output parse alone', run: () => listOutput.parse({ items: page.items.map(taskToWire), nextCursor: page.nextCursor }) },
  { name: 'client: JSON.parse', run: () => JSON.parse(body) as unknown },
  {
    name: 'round trip: map + stringify + parse',
    run: () => JSON.parse(envelope({ items: page.items.map(taskToWire), nextCursor: page.nextCursor })) as unknown,
  },
];

console.log(`[wire] ${TASKS} tasks, body ${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB, ${ITERATIONS} iterations (+${WARMUP} warm-up), node ${process.version}`);
console.log(`[wire] ${'µs per answer'.padEnd(48)} ${'mean'.padStart(7)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}`);
for (const c of cases) {
  const r = measure(c);
  console.log(`[wire] ${r.name.padEnd(48)} ${r.mean.toFixed(0).padStart(7)} ${r.p50.toFixed(0).padStart(8)} ${r.p95.toFixed(0).padStart(8)}`);
}
