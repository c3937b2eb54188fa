/**
 * Where pending writes live across reloads and offline periods (COLLAB-5): IndexedDB database
 * `kanso-offline`, store `ops` keyed by `opId`. Falls back to memory where IndexedDB is missing
 * (private windows of some browsers, server rendering): the queue still works, it just does not
 * survive a reload there.
 */
import type { PendingOp } from './board-model';

export interface OpStore {
  /** Every stored op of this user in this workspace, in queue order. */
  load(userId: string, workspaceSlug: string): Promise<PendingOp[]>;
  put(op: PendingOp): Promise<void>;
  delete(opId: string): Promise<void>;
}

const DB_NAME = 'kanso-offline';
const STORE = 'ops';

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function indexedDbOpStore(factory: IDBFactory | undefined = globalThis.indexedDB): OpStore {
  if (!factory) return memoryOpStore();
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    if (db) return db;
    const request = factory.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'opId' });
      store.createIndex('owner', ['userId', 'workspaceSlug']);
    };
    return (db = done(request));
  };
  const store = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE);
  return {
    async load(userId, workspaceSlug) {
      const rows = (await done((await store('readonly')).index('owner').getAll([userId, workspaceSlug]))) as PendingOp[];
      return rows.sort((a, b) => a.seq - b.seq);
    },
    async put(op) {
      await done((await store('readwrite')).put(op));
    },
    async delete(opId) {
      await done((await store('readwrite')).delete(opId));
    },
  };
}

export function memoryOpStore(): OpStore {
  const ops = new Map<string, PendingOp>();
  return {
    async load(userId, workspaceSlug) {
      return [...ops.values()].filter((o) => o.userId === userId && o.workspaceSlug === workspaceSlug).sort((a, b) => a.seq - b.seq);
    },
    async put(op) {
      ops.set(op.opId, structuredClone(op));
    },
    async delete(opId) {
      ops.delete(opId);
    },
  };
}
