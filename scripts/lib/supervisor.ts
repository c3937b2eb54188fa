/**
 * The launcher's supervisor (REL-1): keeps named services running on one machine.
 *
 *   - a service that exits while not being stopped (non-zero code, a signal, or even 0) is a crash:
 *     it is started again after a backoff (0.2 s doubling to 10 s; reset once a run lasted 30 s)
 *     while the other services keep running;
 *   - a crash loop (5 crashes within 60 s) is reported with the service's last output lines and
 *     ends supervision (`onCrashLoop`): the launcher then stops everything and exits non-zero;
 *   - `stop()` stops services in the order given, each with its own grace period.
 *
 * A service is anything with a start function that resolves to a running handle (a spawned
 * process, see `spawnProcess`, or an embedded PostgreSQL). Beyond one machine the processes run
 * under systemd or Kubernetes instead (docs/deploy.md) — this is deliberately no bigger than that.
 *
 * Log lines (stable, parsed by the chaos suite):
 *   [kanso] <name> started (pid <pid>) in <s> s
 *   [kanso] <name> exited unexpectedly (<code N|signal SIG>) after <s> s up; restart <n> in <s> s
 *   [kanso] <name> restarted (pid <pid>) after <s> s down
 *   [kanso] <name> crash loop: <n> crashes within <s> s; giving up
 *   [kanso] <name> stopped (<code N|signal SIG>) in <s> s
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  pid: number;
  /** Resolves when the service's process is gone. */
  exited: Promise<ExitInfo>;
  /** Stops it (gracefully, then by force after its own grace period); resolves when it is gone. */
  stop(): Promise<ExitInfo>;
  /** Its last output lines, for a crash report. */
  lastLines(): string[];
}

export interface ServiceSpec {
  name: string;
  /** Starts one run. Rejecting counts as a crash (a run that never came up). */
  start(): Promise<RunningService>;
}

export interface RestartPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A run that lasted this long resets the backoff. */
  stableAfterMs: number;
  /** This many crashes within `crashWindowMs` is a crash loop. */
  crashLimit: number;
  crashWindowMs: number;
}

export const DEFAULT_POLICY: RestartPolicy = {
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
  stableAfterMs: 30_000,
  crashLimit: 5,
  crashWindowMs: 60_000,
};

export interface CrashLoop {
  name: string;
  crashes: number;
  lastExit: ExitInfo | undefined;
  lastError: string | undefined;
  lastLines: string[];
}

export interface SupervisorOptions {
  policy?: Partial<RestartPolicy>;
  log?: (line: string) => void;
  onCrashLoop?: (report: CrashLoop) => void;
}

interface Entry {
  spec: ServiceSpec;
  current?: RunningService;
  startedAt: number;
  crashes: number[];
  consecutive: number;
  restartTimer?: NodeJS.Timeout;
  downSince?: number;
  stopping: boolean;
  /** How it exited after a stop began but before its own turn came. */
  exitWhileStopping?: ExitInfo;
  /** A restart in progress (awaited by a stop, so nothing is left starting behind it). */
  starting?: Promise<void>;
  lastLines: string[];
}

export const describeExit = (exit: ExitInfo | undefined): string =>
  !exit ? 'did not start' : exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private readonly policy: RestartPolicy;
  private readonly log: (line: string) => void;
  private readonly onCrashLoop: (report: CrashLoop) => void;
  private halted = false;

  constructor(options: SupervisorOptions = {}) {
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.log = options.log ?? ((line) => console.log(`[kanso] ${line}`));
    this.onCrashLoop = options.onCrashLoop ?? (() => {});
  }

  /** Starts a service and keeps it running. Rejects if its first start fails. */
  async add(spec: ServiceSpec): Promise<RunningService> {
    if (this.entries.has(spec.name)) throw new Error(`service ${spec.name} is already supervised`);
    const entry: Entry = { spec, startedAt: Date.now(), crashes: [], consecutive: 0, stopping: false, lastLines: [] };
    this.entries.set(spec.name, entry);
    const began = Date.now();
    let running: RunningService;
    try {
      running = await spec.start();
    } catch (error) {
      this.entries.delete(spec.name);
      throw error;
    }
    this.attach(entry, running);
    this.log(`${spec.name} started (pid ${running.pid}) in ${seconds(Date.now() - began)} s`);
    return running;
  }

  /** The running handle of a service (undefined while it is down). */
  get(name: string): RunningService | undefined {
    return this.entries.get(name)?.current;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Stops one service for good (no restart); resolves when it is gone. */
  async stopService(name: string): Promise<ExitInfo | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    entry.stopping = true;
    clearTimeout(entry.restartTimer);
    await entry.starting;
    const current = entry.current;
    if (!current) {
      // Gone while the stop waited for an earlier group (killed by a forced stop, say).
      const exit = entry.exitWhileStopping;
      entry.exitWhileStopping = undefined;
      if (exit) this.log(`${name} stopped (${describeExit(exit)}) in 0.0 s`);
      return exit;
    }
    const began = Date.now();
    const exit = await current.stop();
    this.log(`${name} stopped (${describeExit(exit)}) in ${seconds(Date.now() - began)} s`);
    return exit;
  }

  /** Stops services in groups: each group in parallel, groups one after the other. */
  async stop(order: string[][]): Promise<void> {
    this.halted = true;
    for (const entry of this.entries.values()) {
      entry.stopping = true;
      clearTimeout(entry.restartTimer);
    }
    const listed = new Set(order.flat());
    const rest = this.names().filter((n) => !listed.has(n));
    for (const group of [...order, rest]) await Promise.all(group.map((name) => this.stopService(name)));
  }

  private attach(entry: Entry, running: RunningService): void {
    entry.current = running;
    entry.startedAt = Date.now();
    void running.exited.then((exit) => this.onExit(entry, running, exit));
  }

  private onExit(entry: Entry, running: RunningService, exit: ExitInfo): void {
    if (entry.current !== running) return;
    entry.current = undefined;
    entry.lastLines = running.lastLines();
    if (entry.stopping || this.halted) {
      entry.exitWhileStopping = exit;
      return;
    }
    const now = Date.now();
    const upMs = now - entry.startedAt;
    this.crashed(entry, now, upMs, exit, undefined);
  }

  private crashed(entry: Entry, now: number, upMs: number, exit: ExitInfo | undefined, error: string | undefined): void {
    const { name } = entry.spec;
    entry.downSince ??= now;
    entry.crashes = [...entry.crashes.filter((t) => now - t < this.policy.crashWindowMs), now];
    entry.consecutive = upMs >= this.policy.stableAfterMs ? 1 : entry.consecutive + 1;
    const what = error ? `could not start (${error})` : `exited unexpectedly (${describeExit(exit)}) after ${seconds(upMs)} s up`;
    if (entry.crashes.length >= this.policy.crashLimit) {
      this.log(`${name} ${what}`);
      this.log(`${name} crash loop: ${entry.crashes.length} crashes within ${seconds(this.policy.crashWindowMs)} s; giving up`);
      entry.stopping = true;
      this.onCrashLoop({ name, crashes: entry.crashes.length, lastExit: exit, lastError: error, lastLines: entry.lastLines });
      return;
    }
    const backoff = Math.min(this.policy.initialBackoffMs * 2 ** (entry.consecutive - 1), this.policy.maxBackoffMs);
    this.log(`${name} ${what}; restart ${entry.crashes.length} in ${seconds(backoff)} s`);
    entry.restartTimer = setTimeout(() => {
      entry.starting = this.restart(entry).finally(() => (entry.starting = undefined));
    }, backoff);
  }

  private async restart(entry: Entry): Promise<void> {
    if (entry.stopping || this.halted) return;
    const began = Date.now();
    try {
      const running = await entry.spec.start();
      if (entry.stopping || this.halted) {
        entry.lastLines = running.lastLines();
        await running.stop();
        return;
      }
      this.attach(entry, running);
      const downMs = Date.now() - (entry.downSince ?? began);
      entry.downSince = undefined;
      this.log(`${entry.spec.name} restarted (pid ${running.pid}) after ${seconds(downMs)} s down`);
    } catch (error) {
      if (entry.stopping || this.halted) return;
      this.crashed(entry, Date.now(), Date.now() - began, undefined, error instanceof Error ? error.message : String(error));
    }
  }
}

/** The last `max` output lines of a process. */
export class LineTail {
  private readonly lines: string[] = [];
  constructor(private readonly max = 20) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  read(): string[] {
    return [...this.lines];
  }
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves once the process answers (e.g. its health URL); the start fails if it exits first. */
  ready?: (child: ChildProcess) => Promise<void>;
  /** Longest wait for `ready`, after which the start fails and the process is killed. */
  readyTimeoutMs?: number;
  /** Grace period after the stop signal before SIGKILL. */
  stopGraceMs?: number;
  /** Signal that asks for a graceful stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** Send the stop signal to the whole process group (default) or to the process only. */
  signalGroup?: boolean;
  /** Where output lines go (default: this process's stdout / stderr, unchanged). */
  forward?: (line: string, stream: 'stdout' | 'stderr') => void;
  uid?: number;
  gid?: number;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Spawns a process in its own process group (detached), so a terminal's Ctrl+C reaches only the
 * launcher, and stopping the process stops whatever it spawned too. Output is piped through
 * (`forward`) and its last lines kept for crash reports.
 */
export async function spawnProcess(options: SpawnOptions): Promise<RunningService> {
  const tail = new LineTail();
  const forward =
    options.forward ?? ((line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`));
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    uid: options.uid,
    gid: options.gid,
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]!, crlfDelay: Infinity }).on('line', (line) => {
      tail.push(line);
      forward(line, stream);
    });
  }
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: child.exitCode ?? 127, signal: null }));
  });
  // The pid is known once spawn succeeded; an ENOENT surfaces as 'error' before any pid.
  const pid = child.pid;
  if (!pid) {
    const exit = await exited;
    throw new Error(`${options.name} could not be spawned (${options.command}: ${describeExit(exit)})`);
  }
  const stopGraceMs = options.stopGraceMs ?? 10_000;
  let stopped: Promise<ExitInfo> | undefined;
  const running: RunningService = {
    pid,
    exited,
    lastLines: () => tail.read(),
    stop: () => {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return exited;
        signal(options.signalGroup === false ? pid : -pid, options.stopSignal ?? 'SIGTERM');
        const timer = setTimeout(() => signal(-pid, 'SIGKILL'), stopGraceMs);
        const exit = await exited;
        clearTimeout(timer);
        // Anything the process left in its group (e.g. next-server under `next dev`).
        signal(-pid, 'SIGKILL');
        return exit;
      })();
      return stopped;
    },
  };
  if (options.ready) {
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let outcome = await Promise.race([
      options.ready(child).then(
        () => 'ready' as const,
        () => 'ready' as const, // a failed probe is judged by whether the process still runs
      ),
      exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (outcome === 'ready' && (child.exitCode !== null || child.signalCode !== null)) outcome = await exited;
    if (outcome !== 'ready') {
      if (outcome === 'timeout') await running.stop();
      const lines = tail.read().slice(-5);
      throw new Error(
        outcome === 'timeout'
          ? `${options.name} did not answer within ${seconds(timeoutMs)} s`
          : `${options.name} exited during start-up (${describeExit(outcome)})${lines.length ? `: ${lines.join(' / ')}` : ''}`,
      );
    }
  }
  return running;
}

/** Polls a URL until it answers with any HTTP status (the process is up and serving), or the child exits. */
export async function waitForHttp(url: string, child?: ChildProcess, intervalMs = 100): Promise<void> {
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error('exited');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
