/**
 * The supervisor with real child processes (`node -e …`): restart after a crash while the others
 * keep running, backoff doubling to its cap, a crash loop reported with the child's last output,
 * ordered stop, SIGKILL past the grace period. Outcomes only: no timing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnProcess, Supervisor, type CrashLoop, type RunningService, type ServiceSpec } from './supervisor';
import { processAlive as alive } from '../../src/server/platform/process-alive';

const dirs: string[] = [];
const supervisors: Supervisor[] = [];

afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stop([]);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kanso-supervisor-'));
  dirs.push(dir);
  return dir;
}

/**
 * A child running `code` with node, its output kept from the terminal. With `printsReady`, it is
 * started once it printed "ready" (its signal handlers are installed by then).
 */
function nodeService(name: string, code: string, extra: { stopGraceMs?: number; printsReady?: boolean } = {}): ServiceSpec {
  return {
    name,
    start: () =>
      spawnProcess({
        name,
        command: process.execPath,
        args: ['-e', extra.printsReady ? `${code}; console.log('ready');` : code],
        stopGraceMs: extra.stopGraceMs ?? 5_000,
        forward: () => {},
        ready: extra.printsReady
          ? (child) => new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()))
          : undefined,
      }),
  };
}

function supervise(options: ConstructorParameters<typeof Supervisor>[0] = {}) {
  const lines: string[] = [];
  const supervisor = new Supervisor({ log: (line) => lines.push(line), ...options });
  supervisors.push(supervisor);
  return { supervisor, lines };
}

async function until<T>(check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}


const STAY = 'setInterval(() => {}, 1000);';

describe('Supervisor', () => {
  it('restarts a child that crashed (exit code, then SIGKILL) while the other keeps running', async () => {
    const marker = path.join(tempDir(), 'crashed-once');
    const { supervisor, lines } = supervise({ policy: { initialBackoffMs: 50 } });
    const steady = await supervisor.add(nodeService('steady', STAY));
    const first = await supervisor.add(
      nodeService('flaky', `const fs = require('fs'); if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); setTimeout(() => process.exit(3), 50); } ${STAY}`),
    );

    const second = await until(() => supervisor.get('flaky')?.pid !== first.pid && supervisor.get('flaky'));
    expect(lines).toContainEqual(expect.stringMatching(/^flaky exited unexpectedly \(code 3\) after [\d.]+ s up; restart 1 in 0\.1 s$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^flaky restarted \\(pid ${second.pid}\\) after [\\d.]+ s down$`)));
    expect(alive(first.pid)).toBe(false);

    process.kill(second.pid, 'SIGKILL');
    const third = await until(() => supervisor.get('flaky')?.pid !== second.pid && supervisor.get('flaky'));
    expect(lines).toContainEqual(expect.stringMatching(/^flaky exited unexpectedly \(signal SIGKILL\) after [\d.]+ s up; restart 2 in/));
    expect(alive(third.pid)).toBe(true);

    // The other child was never touched.
    expect(supervisor.get('steady')?.pid).toBe(steady.pid);
    expect(alive(steady.pid)).toBe(true);
    expect(lines.filter((l) => l.startsWith('steady'))).toEqual([expect.stringMatching(/^steady started \(pid \d+\)/)]);
  });

  it('doubles the backoff up to its cap, then reports a crash loop with the last output lines', async () => {
    const reports: CrashLoop[] = [];
    const { supervisor, lines } = supervise({
      policy: { initialBackoffMs: 100, maxBackoffMs: 400, crashLimit: 5, crashWindowMs: 60_000 },
      onCrashLoop: (report) => reports.push(report),
    });
    const counter = path.join(tempDir(), 'runs');
    await supervisor.add(
      nodeService(
        'crasher',
        `const fs = require('fs'); const f = ${JSON.stringify(counter)}; const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0) + 1; fs.writeFileSync(f, String(n)); console.log('run ' + n + ' failing: no config'); setTimeout(() => process.exit(2), 30);`,
      ),
    );

    const [report] = await until(() => reports.length > 0 && reports);
    const backoffs = lines.map((l) => l.match(/restart \d+ in ([\d.]+) s$/)?.[1]).filter(Boolean);
    expect(backoffs).toEqual(['0.1', '0.2', '0.4', '0.4']);
    expect(lines.at(-1)).toBe('crasher crash loop: 5 crashes within 60.0 s; giving up');
    expect(report).toMatchObject({ name: 'crasher', crashes: 5, lastExit: { code: 2, signal: null } });
    expect(report!.lastLines).toEqual(['run 5 failing: no config']);

    // Given up: not started again.
    await new Promise((r) => setTimeout(r, 600));
    expect(readFileSync(counter, 'utf8')).toBe('5');
    expect(supervisor.get('crasher')).toBeUndefined();
  });

  it('starts the backoff afresh after a run that stayed up past stableAfterMs', async () => {
    const { supervisor, lines } = supervise({ policy: { initialBackoffMs: 100, stableAfterMs: 300, crashLimit: 10 } });
    await supervisor.add(nodeService('slow-crasher', 'setTimeout(() => process.exit(1), 600);'));
    const backoffs = () => lines.map((l) => l.match(/restart \d+ in ([\d.]+) s$/)?.[1]).filter(Boolean);
    await until(() => backoffs().length >= 2);
    expect(backoffs().slice(0, 2)).toEqual(['0.1', '0.1']);
  });

  it('counts a start that fails as a crash and retries it', async () => {
    let attempts = 0;
    const { supervisor, lines } = supervise({ policy: { initialBackoffMs: 50 } });
    const first = await supervisor.add({
      name: 'db',
      start: async (): Promise<RunningService> => {
        attempts++;
        if (attempts === 2) throw new Error('port 1234 is busy');
        return nodeService('db', attempts === 1 ? 'setTimeout(() => process.exit(1), 50);' : STAY).start();
      },
    });
    const running = await until(() => supervisor.get('db')?.pid !== first.pid && supervisor.get('db'));
    expect(attempts).toBe(3);
    expect(lines).toContainEqual('db could not start (port 1234 is busy); restart 2 in 0.1 s');
    expect(lines.at(-1)).toMatch(new RegExp(`^db restarted \\(pid ${running.pid}\\) after [\\d.]+ s down$`));
  });

  it('stops in the order given, never restarts what it stops, and kills a child that ignores SIGTERM', async () => {
    const order = path.join(tempDir(), 'order');
    const onTerm = (name: string) =>
      `process.on('SIGTERM', () => { require('fs').appendFileSync(${JSON.stringify(order)}, '${name}\\n'); setTimeout(() => process.exit(0), 100); }); ${STAY}`;
    const { supervisor, lines } = supervise({ policy: { initialBackoffMs: 10 } });
    const web = await supervisor.add(nodeService('web', onTerm('web'), { printsReady: true }));
    const sidecar = await supervisor.add(nodeService('realtime', onTerm('realtime'), { printsReady: true }));
    const db = await supervisor.add(nodeService('db', onTerm('db'), { printsReady: true }));
    const stubborn = await supervisor.add(nodeService('stubborn', `process.on('SIGTERM', () => {}); ${STAY}`, { stopGraceMs: 300, printsReady: true }));

    await supervisor.stop([['web'], ['realtime', 'stubborn'], ['db']]);

    expect(readFileSync(order, 'utf8').trim().split('\n')).toEqual(['web', 'realtime', 'db']);
    for (const { pid } of [web, sidecar, db, stubborn]) expect(alive(pid)).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/^stubborn stopped \(signal SIGKILL\) in [\d.]+ s$/));
    expect(lines).toContainEqual(expect.stringMatching(/^web stopped \(code 0\) in [\d.]+ s$/));
    expect(lines.some((l) => l.includes('exited unexpectedly') || l.includes('restarted'))).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(supervisor.get('web')).toBeUndefined();
  });

  it('fails a start whose process exits before it is ready, naming its output', async () => {
    const { supervisor } = supervise();
    const attempt = supervisor.add({
      name: 'web',
      start: () =>
        spawnProcess({
          name: 'web',
          command: process.execPath,
          args: ['-e', "console.error('Error: listen EADDRINUSE: address already in use 127.0.0.1:3400'); process.exit(1);"],
          forward: () => {},
          ready: () => new Promise(() => {}),
        }),
    });
    await expect(attempt).rejects.toThrow(/^web exited during start-up \(code 1\): Error: listen EADDRINUSE/);
    expect(supervisor.names()).toEqual([]);
  });
});
