/**
 * The write queue (COLLAB-4, COLLAB-5): every board write of this user goes through it, online or
 * not. An op is persisted (./op-store.ts) before it is sent, shown at once on top of the server
 * truth (optimistic), and sent strictly in order, one at a time:
 *
 *  - success → the confirmed record replaces the truth and the op disappears (same tick: no flicker);
 *    later ops on the same task are rebased onto the new version;
 *  - no network → the queue pauses and tries again when the browser is back online (or after a
 *    backoff up to 30 s); nothing is lost across a reload;
 *  - CONFLICT → field-by-field merge with the current record (`mergeConflict`), then retried;
 *    an undo/redo that would overwrite someone's newer change is refused;
 *  - the task is gone → the op is dropped and the user told; any other refusal (validation,
 *    permission) → the op is rolled back from the view and kept as "failed" for retry or discard.
 *
 * Creates carry client-generated ids, so replaying one after a lost response is harmless.
 */
import { mergeConflict, rebaseAfter, type OpInput, type PendingOp, type Task } from './board-model';
import type { OpStore } from './op-store';

export type SendOutcome = { task: Task } | { deletedId: string };

export type SendError =
  | { kind: 'network' }
  | { kind: 'conflict'; current: Task }
  | { kind: 'notFound' }
  | { kind: 'rejected'; message: string };

export interface QueueTransport {
  send(op: PendingOp): Promise<SendOutcome>;
  classify(error: unknown): SendError;
}

export type QueueNotice =
  | { kind: 'refused'; op: PendingOp }
  | { kind: 'lost'; op: PendingOp }
  | { kind: 'failed'; op: PendingOp; message: string };

export interface QueueSnapshot {
  ops: readonly PendingOp[];
  online: boolean;
  sending: boolean;
}

export interface WriteQueueOptions {
  store: OpStore;
  transport: QueueTransport;
  userId: string;
  workspaceSlug: string;
  /** The server's answer for an op (or the current record after a merge): update the truth. */
  onApplied: (op: PendingOp, outcome: SendOutcome) => void;
  onNotice: (notice: QueueNotice) => void;
  onStoreError?: (error: unknown) => void;
  /** Backoff bounds for retries while the network is down (ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class WriteQueue {
  private ops: PendingOp[] = [];
  private snapshot: QueueSnapshot = { ops: [], online: true, sending: false };
  private readonly listeners = new Set<() => void>();
  private online = true;
  private sending = false;
  private draining = false;
  private lastSeq = 0;
  private backoffMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly options: WriteQueueOptions) {
    this.backoffMs = options.minBackoffMs ?? 1000;
  }

  /** Loads what a previous page (or an offline session) left, then starts sending. */
  async start(): Promise<void> {
    // Restartable: React may stop and start the same queue (effects in development run twice).
    this.stopped = false;
    const { store, userId, workspaceSlug } = this.options;
    let stored: PendingOp[] = [];
    try {
      stored = await store.load(userId, workspaceSlug);
    } catch (error) {
      this.options.onStoreError?.(error);
    }
    const known = new Set(this.ops.map((o) => o.opId));
    this.ops = [...stored.filter((o) => !known.has(o.opId)), ...this.ops].sort((a, b) => a.seq - b.seq);
    this.lastSeq = Math.max(this.lastSeq, ...this.ops.map((o) => o.seq));
    this.emit();
    void this.drain();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): QueueSnapshot => this.snapshot;

  enqueue(input: OpInput): PendingOp {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now());
    const op = { ...input, opId: crypto.randomUUID(), seq: this.lastSeq, userId: this.options.userId, workspaceSlug: this.options.workspaceSlug, state: 'pending' } as PendingOp;
    this.ops = [...this.ops, op];
    this.persist(op);
    this.emit();
    void this.drain();
    return op;
  }

  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.emit();
    if (online) this.resume();
  }

  /** The way is clear again (the API answers after an outage): send what waits now, not after the backoff. */
  resume(): void {
    this.backoffMs = this.options.minBackoffMs ?? 1000;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.online) void this.drain();
  }

  /** Sends a failed op again (at its place in the order). */
  retry(opId: string): void {
    this.replace(opId, (op) => ({ ...op, state: 'pending', error: undefined }) as PendingOp);
    void this.drain();
  }

  discard(opId: string): void {
    this.ops = this.ops.filter((o) => o.opId !== opId);
    this.unpersist(opId);
    this.emit();
  }

  private async drain(): Promise<void> {
    if (this.draining || this.stopped) return;
    this.draining = true;
    try {
      for (;;) {
        const op = this.ops.find((o) => o.state === 'pending');
        if (!op || !this.online || this.stopped || this.retryTimer) break;
        this.setSending(true);
        let outcome: SendOutcome;
        try {
          outcome = await this.options.transport.send(op);
        } catch (error) {
          if (!this.handleError(op, this.options.transport.classify(error))) break;
          continue;
        }
        this.backoffMs = this.options.minBackoffMs ?? 1000;
        this.settle(op, outcome);
      }
    } finally {
      this.draining = false;
      this.setSending(false);
    }
  }

  /** Handles a failed send; false when the queue must pause (no network). */
  private handleError(op: PendingOp, error: SendError): boolean {
    switch (error.kind) {
      case 'network': {
        const delay = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.drain();
        }, delay);
        return false;
      }
      case 'conflict': {
        const merged = mergeConflict(op, error.current);
        if (merged.action === 'retry') {
          this.replace(op.opId, () => merged.op);
          return true;
        }
        this.settle(op, { task: error.current });
        if (merged.action === 'refuse') this.options.onNotice({ kind: 'refused', op });
        return true;
      }
      case 'notFound':
        this.settle(op, { deletedId: op.taskId });
        if (op.kind !== 'delete') this.options.onNotice({ kind: 'lost', op });
        return true;
      case 'rejected':
        this.replace(op.opId, (o) => ({ ...o, state: 'failed', error: error.message }) as PendingOp);
        this.options.onNotice({ kind: 'failed', op, message: error.message });
        return true;
    }
  }

  /** Removes a finished op, rebases later ops on its task, and hands the outcome to the truth. */
  private settle(op: PendingOp, outcome: SendOutcome): void {
    let rest = this.ops.filter((o) => o.opId !== op.opId);
    if ('task' in outcome) {
      const from = op.kind === 'create' ? 0 : op.expectedVersion;
      const rebased = rebaseAfter(rest, op.taskId, from, outcome.task.version);
      rebased.forEach((o, i) => o !== rest[i] && this.persist(o));
      rest = rebased;
    }
    this.ops = rest;
    this.unpersist(op.opId);
    this.options.onApplied(op, outcome);
    this.emit();
  }

  private replace(opId: string, change: (op: PendingOp) => PendingOp): void {
    this.ops = this.ops.map((o) => {
      if (o.opId !== opId) return o;
      const next = change(o);
      this.persist(next);
      return next;
    });
    this.emit();
  }

  private persist(op: PendingOp): void {
    this.options.store.put(op).catch((error: unknown) => this.options.onStoreError?.(error));
  }

  private unpersist(opId: string): void {
    this.options.store.delete(opId).catch((error: unknown) => this.options.onStoreError?.(error));
  }

  private setSending(sending: boolean): void {
    if (this.sending === sending) return;
    this.sending = sending;
    this.emit();
  }

  private emit(): void {
    this.snapshot = { ops: this.ops, online: this.online, sending: this.sending };
    for (const listener of this.listeners) listener();
  }
}
