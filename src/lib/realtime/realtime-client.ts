/**
 * The browser's connection to the realtime sidecar (COLLAB-3, COLLAB-4); protocol in
 * src/lib/realtime-protocol.ts. One socket per open workspace:
 *
 *  - a fresh signed ticket for every (re)connect (tickets are single-use and live ≤ 60 s);
 *  - the rooms the page wants are re-joined after every reconnect, and the presence of what the
 *    user is editing is re-sent;
 *  - reconnects back off (0.5 s doubling to 10 s, with jitter) and wait for `online` when the
 *    browser knows it is offline; a 4403 close (no longer a member) ends it for good, and so does a
 *    ticket refused because the user is signed out (`signedOut`: the session ended — a 4410 close
 *    leads there on the next attempt, unless another tab signed in again meanwhile).
 *
 * Missed events are not the socket's job: every `joined`, and every `{type:'resync'}` the sidecar
 * sends when it may have missed events (its LISTEN was down), tells the page to resync from the
 * last event it applied (`realtime.events`).
 */
import type { ServerMessage } from '@/lib/realtime-protocol';
import { REALTIME_CLOSE } from '@/lib/realtime-close-codes';

export type RealtimeStatus = 'connecting' | 'open' | 'offline' | 'forbidden' | 'signedOut';

export interface RealtimeClientOptions {
  fetchTicket: () => Promise<{ ticket: string; url: string }>;
  /** Whether `fetchTicket` failed because there is no session (then the client stops). */
  isSignedOut?: (error: unknown) => boolean;
  onMessage: (message: ServerMessage) => void;
  onStatus: (status: RealtimeStatus) => void;
}

const MAX_DELAY_MS = 10_000;
/** After the sidecar went away, the first reconnect is at a random moment in 0.25 s + [0, SPREAD_MS). */
const SPREAD_MS = 2500;

export class RealtimeClient {
  private ws: WebSocket | null = null;
  private readonly rooms = new Set<string>();
  private readonly editing = new Map<string, string | null>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private status: RealtimeStatus = 'connecting';

  constructor(private readonly options: RealtimeClientOptions) {}

  start(): void {
    window.addEventListener('online', this.onOnline);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000, 'page closed');
    this.ws = null;
  }

  /** The rooms the page wants (re-joined after every reconnect). */
  joinedRooms(): ReadonlySet<string> {
    return this.rooms;
  }

  join(projectId: string): void {
    this.rooms.add(projectId);
    this.send({ type: 'join', projectId });
  }

  leave(projectId: string): void {
    this.rooms.delete(projectId);
    this.editing.delete(projectId);
    this.send({ type: 'leave', projectId });
  }

  /** Tells the room which task this user is editing (null: none). */
  setEditing(projectId: string, taskId: string | null): void {
    this.editing.set(projectId, taskId);
    this.send({ type: 'presence', projectId, editingTaskId: taskId });
  }

  private readonly onOnline = () => {
    if (this.status !== 'offline' || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    void this.connect();
  };

  private setStatus(status: RealtimeStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus(status);
  }

  private send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN && this.status === 'open') this.ws.send(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setStatus('connecting');
    let ticket: { ticket: string; url: string };
    try {
      ticket = await this.options.fetchTicket();
    } catch (error) {
      if (this.options.isSignedOut?.(error)) return this.setStatus('signedOut');
      return this.scheduleReconnect();
    }
    if (this.stopped) return;
    const url = new URL(ticket.url);
    url.searchParams.set('ticket', ticket.ticket);
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (frame) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(frame.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'ready') {
        this.attempt = 0;
        this.setStatus('open');
        for (const projectId of this.rooms) this.send({ type: 'join', projectId });
      } else if (message.type === 'joined') {
        const editingTaskId = this.editing.get(message.projectId);
        if (editingTaskId) this.send({ type: 'presence', projectId: message.projectId, editingTaskId });
      }
      this.options.onMessage(message);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (event.code === REALTIME_CLOSE.forbidden) return this.setStatus('forbidden');
      // The sidecar went away (restart: 1001; crash: 1006): every tab of every room reconnects now.
      // Spread the first attempt over a few seconds so they do not all ask for a ticket (and join)
      // in the same instant (ADR 0015).
      this.scheduleReconnect(event.code === REALTIME_CLOSE.goingAway || event.code === 1006 ? SPREAD_MS : 0);
    };
  }

  private scheduleReconnect(spreadMs = 0): void {
    if (this.stopped) return;
    this.setStatus('offline');
    // The `online` event reconnects at once; meanwhile keep trying (the OS may not know).
    const backoff = Math.min(MAX_DELAY_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    const delay = this.attempt === 0 && spreadMs > 0 ? 250 + Math.random() * spreadMs : backoff;
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }
}
