/**
 * Is the API reachable from this browser? (REL-2.) Fed by every tRPC response (src/lib/trpc/client.tsx):
 * a 502/503/504 or a failed fetch means "reconnecting"; any other answer means the API is back. While
 * reconnecting it probes `/api/health/ready` (after the server's `Retry-After`, then backing off), so
 * the notice clears — and queued writes and failed reads go again — without waiting for the user.
 */
export type ConnectionStatus = 'online' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When the API was last seen failing (ms since epoch); 0 while online. */
  since: number;
}

export const ONLINE: ConnectionState = { status: 'online', since: 0 };

export interface ConnectionMonitorOptions {
  probe?: () => Promise<boolean>;
  /** First probe delay when the server gave no `Retry-After` (ms). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** 502 Bad Gateway / 504 from a proxy in front of a stopped server count like a 503. */
const UNAVAILABLE = new Set([502, 503, 504]);

export class ConnectionMonitor {
  private state: ConnectionState = ONLINE;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delayMs: number;
  private readonly probe: () => Promise<boolean>;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: ConnectionMonitorOptions = {}) {
    this.probe = options.probe ?? probeReadiness;
    this.initialDelayMs = options.initialDelayMs ?? 2000;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
    this.delayMs = this.initialDelayMs;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): ConnectionState => this.state;

  /** An HTTP answer from the API. */
  observe(status: number, retryAfter: string | null = null): void {
    if (UNAVAILABLE.has(status)) this.lost(retryAfterMs(retryAfter));
    else this.restored();
  }

  /** A request that got no answer at all (network down, server gone). */
  networkFailed(): void {
    this.lost(undefined);
  }

  /** Asks the server now (the notice's "Try now"). */
  async probeNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let ok = false;
    try {
      ok = await this.probe();
    } catch {
      ok = false;
    }
    if (ok) this.restored();
    else if (this.state.status === 'reconnecting') this.schedule(this.delayMs);
  }

  /** Stops probing (tests, unmount of the last user). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private lost(waitMs: number | undefined): void {
    if (this.state.status === 'online') {
      this.state = { status: 'reconnecting', since: Date.now() };
      this.delayMs = this.initialDelayMs;
      this.emit();
    }
    if (!this.timer) this.schedule(waitMs ?? this.delayMs);
  }

  private restored(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.delayMs = this.initialDelayMs;
    if (this.state.status === 'online') return;
    this.state = ONLINE;
    this.emit();
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
      void this.probeNow();
    }, ms);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** `Retry-After` in seconds (the form Kanso sends) as ms; undefined when absent or an HTTP date. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header) * 1000;
}

async function probeReadiness(): Promise<boolean> {
  const response = await fetch('/api/health/ready', { cache: 'no-store' });
  return response.ok;
}

/** The browser's one monitor (a module singleton: one per tab). */
export const connectionMonitor = new ConnectionMonitor();

/** `fetch` that reports every answer (or its absence) to `monitor`. Aborted requests say nothing. */
export function observedFetch(monitor: ConnectionMonitor = connectionMonitor, base: typeof fetch = (...args) => fetch(...args)): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'AbortError')) monitor.networkFailed();
      throw error;
    }
    monitor.observe(response.status, response.headers.get('retry-after'));
    return response;
  };
}
