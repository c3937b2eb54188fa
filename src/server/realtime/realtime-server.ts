/**
 * The realtime sidecar's server (COLLAB-3): an HTTP server with `GET /health` and a `ws`
 * WebSocketServer, rooms keyed by project id, presence, and fan-out of committed outbox events.
 *
 *  - A socket authenticates with a signed ticket (./ticket.ts) in `?ticket=` or a first
 *    `{type:'auth'}` message; its messages are then handled strictly in order.
 *  - Every `join` re-checks membership and `canViewProject` in PostgreSQL.
 *  - Fan-out: one LISTEN on `kanso_events` (the outbox trigger NOTIFYs `<workspace>:<id>` on COMMIT,
 *    so a rolled-back write is never seen), supervised by ./event-subscription.ts: a round-trip
 *    probe every second; /health is 503 while LISTEN is not known to work, and when it is back
 *    after a gap every socket gets `{type:'resync'}`. An event whose fan-out throws is re-tried,
 *    then its workspace's sockets are told to resync — never dropped silently. The row is read under RLS as a connected user of that
 *    workspace and sent to the sockets in the project's room; `project.*` events to every socket of
 *    the workspace whose user may see the project (joined or not); events without a project
 *    (`member.*`) to every socket of the workspace. A project leaving a user's view (deleted, or
 *    their `project.member_removed`) is told with `project_hidden` instead. Several sidecars each LISTEN on the shared PostgreSQL, so every instance
 *    gets every event: that is the PostgreSQL adapter (docs/realtime.md). Presence and ticket
 *    nonces go through `options.cluster` (per instance, or shared over Redis: ./redis-cluster.ts).
 *  - Revocation: every `recheckMs` (1 s) each workspace with sockets is fingerprinted (members,
 *    roles, project member lists, visible projects); when that changed (and every 10 s regardless)
 *    each of its connected users is re-checked; a
 *    non-member's sockets are closed with 4403, a project no longer visible is left with `kicked`.
 *    Events of type `member.*` / `project.*` trigger that re-check for their workspace BEFORE they
 *    are delivered, so the event that revokes access is not itself leaked.
 *  - Notifications (COLLAB-7): a second supervised LISTEN on `kanso_notifications` (payload: a
 *    user id, NOTIFYed on COMMIT by the notifications trigger, drizzle/0015) sends `{type:'notifications'}`
 *    to every socket of that user. A ticket without a workspace opens a user-level socket for the
 *    signed-in pages outside a workspace: its session is checked like any other and it counts
 *    against the per-session and per-user caps, but it joins no room and hears nothing else.
 *  - Sessions: a ticket names the session that minted it. The same 1 s tick asks which sessions of
 *    the connected sockets still live (one query for all); a socket whose session was signed out,
 *    revoked or expired is closed with 4410 — and one is refused at once if it already ended.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type postgres from 'postgres';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Role } from '@/lib/permissions';
import {
  clientMessageSchema,
  REALTIME_CLOSE,
  type ClientMessage,
  type RealtimeEvent,
  type ServerMessage,
} from '@/lib/realtime-protocol';
import type { Database } from '@/server/db/client';
import type { Logger } from '@/server/platform/logger';
import { EVENTS_CHANNEL, parseEventNotification } from '@/server/realtime-events/outbox';
import { NOTIFICATIONS_CHANNEL } from '@/server/notifications/channel';
import { localCluster, type Cluster, type ClusterHooks } from './cluster';
import { createEventSubscription, type RestoreReason } from './event-subscription';
import { textFrame, writeFrame, type PreparedFrame } from './frame';
import { createPresenceRooms } from './presence';
import { accessFingerprint, checkAccessMany, couldSeeProject, liveSessionProfiles, liveSessions, readOutboxEvent, readOutboxEventAsAdmin, type AccessVerdict } from './access';
import { batched } from './batch';
import { verifyTicket } from './ticket';


export interface RealtimeServerOptions {
  db: Database;
  /**
   * A new postgres.js client (max 1) for the LISTEN connection and its probes, called again each
   * time the subscription is re-created (./event-subscription.ts). Not the shared pool: a LISTEN
   * that postgres.js gave up on is replaced by ending this client.
   */
  listenClient: () => postgres.Sql;
  authSecret: string;
  host: string;
  port: number;
  log: Logger;
  /** Period of the membership/visibility re-check of connected users (default 1000 ms). */
  recheckMs?: number;
  /** Per-user checks run when a workspace's access fingerprint changes, and at least this often (default 10 s). */
  fullRecheckMs?: number;
  /** How long a socket without `?ticket=` has to send `{type:'auth'}` (default 5000 ms). */
  authTimeoutMs?: number;
  /** WebSocket ping period; a socket that missed the previous pong is dropped (default 30 s). */
  heartbeatMs?: number;
  /** What several instances share (ticket nonces, presence); default `localCluster()` (nothing). */
  cluster?: Cluster;
  /** LISTEN round-trip probe: period and deadline (default 1000 / 2000 ms). */
  probeMs?: number;
  probeTimeoutMs?: number;
  /** Presence coalescing window (default 100 ms, ADR 0015). */
  presenceFlushMs?: number;
  /**
   * Authenticated sockets one session, one user and one workspace may hold on this instance at once
   * (SEC-2; each socket multiplies its room's presence traffic). Over a cap the new socket is closed
   * with `REALTIME_CLOSE.tooManySockets`. Defaults: `SOCKET_LIMITS`.
   */
  socketLimits?: Partial<SocketLimits>;
}

export interface SocketLimits {
  perSession: number;
  perUser: number;
  perWorkspace: number;
}

/** A browser opens one socket per tab; a user a few browsers; a workspace its members' tabs (env REALTIME_MAX_SOCKETS_PER_*). */
export const SOCKET_LIMITS: SocketLimits = { perSession: 10, perUser: 30, perWorkspace: 20_000 };

interface Connection {
  id: string;
  ws: WebSocket;
  log: Logger;
  /** Set once the ticket was accepted. */
  user: { id: string; sessionId: string; workspaceId: string; role: Role; name: string | null; image: string | null } | null;
  /** Set instead of `user` for a user-level socket (a ticket without a workspace): notifications only. */
  account: { id: string; sessionId: string } | null;
  rooms: Set<string>;
  /** Serialises this socket's message handling (auth first, then messages in arrival order). */
  queue: Promise<void>;
  alive: boolean;
  /** Which heartbeat slice pings this socket. */
  slot: number;
  closed: boolean;
  tokens: number;
  refilledAt: number;
}

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_SLICES = 10;
/** Per socket: a bucket of 60 messages refilled at 20/s (a client that floods is closed with 1008). */
const MESSAGE_BURST = 60;
const MESSAGES_PER_SECOND = 20;
/** Rooms one socket may be in at once. */
const MAX_ROOMS_PER_SOCKET = 50;
const MAX_READ_ATTEMPTS = 25;
/** Waits before re-trying an event whose fan-out threw (the database went away); then: resync. */
const DELIVERY_RETRY_MS = [100, 500, 1500];

export function createRealtimeServer(options: RealtimeServerOptions) {
  const { db, authSecret, log } = options;
  const recheckMs = options.recheckMs ?? 1000;
  const fullRecheckMs = options.fullRecheckMs ?? 10_000;
  const authTimeoutMs = options.authTimeoutMs ?? 5000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const cluster = options.cluster ?? localCluster();

  const connections = new Map<string, Connection>();
  let connectionCount = 0;
  const socketLimits: SocketLimits = { ...SOCKET_LIMITS, ...options.socketLimits };
  /** Authenticated sockets per session and per user (per workspace: `byWorkspace`). */
  const bySession = new Map<string, number>();
  const byUser = new Map<string, number>();
  /** Every authenticated socket of each user (workspace and user-level ones): notification frames. */
  const userSockets = new Map<string, Set<Connection>>();
  const addUserSocket = (userId: string, conn: Connection) => {
    let set = userSockets.get(userId);
    if (!set) userSockets.set(userId, (set = new Set()));
    set.add(conn);
  };
  const removeUserSocket = (userId: string, conn: Connection) => {
    const set = userSockets.get(userId);
    set?.delete(conn);
    if (set?.size === 0) userSockets.delete(userId);
  };
  const bump = (counts: Map<string, number>, key: string, by: number) => {
    const next = (counts.get(key) ?? 0) + by;
    if (next > 0) counts.set(key, next);
    else counts.delete(key);
  };
  /** projectId → the local sockets in its room (event fan-out). */
  const rooms = new Map<string, Set<Connection>>();
  const byWorkspace = new Map<string, Set<Connection>>();
  /** Who is in each room: per user, bounded, coalesced (./presence.ts, ADR 0015). */
  const presence = createPresenceRooms({
    broadcast: (projectId, frame) => void sendToRoom(projectId, frame),
    publish: (workspaceId, projectId, upsert, left) => cluster.publish({ workspaceId, projectId, upsert, left }),
    flushMs: options.presenceFlushMs,
  });

  let eventChain: Promise<void> = Promise.resolve();
  /** A fan-out gave up since the last one that succeeded: later failures give up without waiting. */
  let deliveryFailing = false;
  let recheckTimer: NodeJS.Timeout | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let rechecking = false;
  /** Per workspace: the access fingerprint at the last per-user re-check, and when that ran. */
  const lastFull = new Map<string, { fingerprint: string; at: number }>();
  /**
   * Per workspace: users admitted (authenticated or joined a room) since their workspace's
   * fingerprint last vouched for them. A fingerprint taken before their check must not vouch for
   * it (A→B→A: added, admitted, removed again), so the next tick re-checks THEM even when the
   * fingerprint did not change — only them: everyone else was checked under that fingerprint
   * (before, any join forced a re-check of every connected user: at 10,000 people, 10,000
   * transactions per tick while a room filled, ADR 0015).
   */
  const fresh = new Map<string, Map<string, number>>();
  let admissions = 0;
  const invalidate = (workspaceId: string, userId: string) => {
    let users = fresh.get(workspaceId);
    if (!users) fresh.set(workspaceId, (users = new Map()));
    users.set(userId, ++admissions);
  };
  let stopping = false;

  // ── Sending ──────────────────────────────────────────────────────────────────────────────────

  /** One socket, one message; `PreparedFrame`: framed once for many sockets (./frame.ts). */
  function send(conn: Connection, message: ServerMessage | string | PreparedFrame): void {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      conn.log.warn({ buffered: conn.ws.bufferedAmount }, 'slow consumer dropped');
      conn.ws.terminate();
      return;
    }
    if (typeof message === 'string') conn.ws.send(message);
    else if ('frame' in message) writeFrame(conn.ws, message);
    else conn.ws.send(JSON.stringify(message));
  }

  /** Sends one message (serialised once) to every socket in a project's room. */
  function sendToRoom(projectId: string, message: ServerMessage | string, workspaceId?: string): number {
    const room = rooms.get(projectId);
    if (!room) return 0;
    const frame = textFrame(typeof message === 'string' ? message : JSON.stringify(message));
    let sent = 0;
    for (const conn of room) {
      if (!workspaceId || conn.user?.workspaceId === workspaceId) {
        send(conn, frame);
        sent += 1;
      }
    }
    return sent;
  }

  function close(conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    conn.log.info({ code, reason }, 'closing connection');
    detach(conn);
    conn.ws.close(code, reason);
  }

  // ── Rooms and presence ───────────────────────────────────────────────────────────────────────

  function leaveRoom(conn: Connection, projectId: string): boolean {
    if (!conn.rooms.delete(projectId)) return false;
    const room = rooms.get(projectId);
    room?.delete(conn);
    if (room?.size === 0) rooms.delete(projectId);
    if (conn.user) presence.leave(projectId, conn.id, conn.user.id);
    return true;
  }

  /** The Redis adapter's view of the other instances' presence, merged into the local rooms. */
  const clusterHooks: ClusterHooks = {
    onRemotePresence(instanceId, change) {
      presence.applyRemote(instanceId, change.workspaceId, change.projectId, change.upsert, change.left);
    },
    onRemoteGone(instanceId) {
      presence.forgetInstance(instanceId);
    },
    onSyncRequest() {
      for (const { workspaceId, projectId, states } of presence.localStates()) {
        for (let i = 0; i < states.length; i += 500) cluster.publish({ workspaceId, projectId, upsert: states.slice(i, i + 500), left: [] });
      }
    },
  };

  /** Removes a connection from every room and index (on close, kick or shutdown). */
  function detach(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const projectId of [...conn.rooms]) leaveRoom(conn, projectId);
    connections.delete(conn.id);
    if (conn.user) {
      const set = byWorkspace.get(conn.user.workspaceId);
      set?.delete(conn);
      if (set?.size === 0) byWorkspace.delete(conn.user.workspaceId);
      bump(bySession, conn.user.sessionId, -1);
      bump(byUser, conn.user.id, -1);
      removeUserSocket(conn.user.id, conn);
    } else if (conn.account) {
      bump(bySession, conn.account.sessionId, -1);
      bump(byUser, conn.account.id, -1);
      removeUserSocket(conn.account.id, conn);
    }
  }

  // ── Admission: batched (./batch.ts) — sockets opening at once share statements ──────────────

  /** Session live + presence profile, for many sockets in one statement. */
  const admitSession = batched((asks: Array<{ sessionId: string; userId: string }>) => liveSessionProfiles(db, asks));
  /** Membership + project visibility (each user as themselves, under RLS), one statement per workspace per batch. */
  const admitAccess = batched(async (asks: Array<{ userId: string; workspaceId: string; projects: string[] }>) => {
    const byWs = new Map<string, Map<string, Set<string>>>();
    for (const a of asks) {
      let users = byWs.get(a.workspaceId);
      if (!users) byWs.set(a.workspaceId, (users = new Map()));
      let projects = users.get(a.userId);
      if (!projects) users.set(a.userId, (projects = new Set()));
      for (const p of a.projects) projects.add(p);
    }
    const answers = new Map<string, Map<string, AccessVerdict>>();
    for (const [ws, users] of byWs) answers.set(ws, await checkAccessMany(db, ws, users));
    return asks.map((a): AccessVerdict => {
      const v = answers.get(a.workspaceId)!.get(a.userId)!;
      return { role: v.role, visible: new Set(a.projects.filter((p) => v.visible.has(p))) };
    });
  });

  // ── Protocol ─────────────────────────────────────────────────────────────────────────────────

  async function authenticate(conn: Connection, ticket: string): Promise<void> {
    const result = verifyTicket(authSecret, ticket);
    if (!result.ok) {
      return close(conn, REALTIME_CLOSE.badTicket, result.reason === 'expired' ? 'ticket expired' : 'invalid ticket');
    }
    const { userId, sessionId, workspaceId, projectId, exp, nonce } = result.claims;
    if (!(await cluster.claimNonce(nonce, exp))) return close(conn, REALTIME_CLOSE.badTicket, 'ticket already used');
    if (!workspaceId) return authenticateAccount(conn, userId, sessionId);
    conn.log = conn.log.child({ userId, workspaceId });
    // Session + profile, and membership (+ the ticket's project: the join below needs no second check), at once.
    const [profile, verdict] = await Promise.all([admitSession({ sessionId, userId }), admitAccess({ userId, workspaceId, projects: projectId ? [projectId] : [] })]);
    if (!profile) return close(conn, REALTIME_CLOSE.sessionEnded, 'session ended');
    if (!verdict.role) return close(conn, REALTIME_CLOSE.forbidden, 'not a member of this workspace');
    if (conn.closed) return;
    const over =
      (bySession.get(sessionId) ?? 0) >= socketLimits.perSession
        ? 'session'
        : (byUser.get(userId) ?? 0) >= socketLimits.perUser
          ? 'user'
          : (byWorkspace.get(workspaceId)?.size ?? 0) >= socketLimits.perWorkspace
            ? 'workspace'
            : null;
    if (over) return close(conn, REALTIME_CLOSE.tooManySockets, `too many connections for this ${over}`);
    conn.user = { id: userId, sessionId, workspaceId, role: verdict.role, ...profile };
    bump(bySession, sessionId, 1);
    bump(byUser, userId, 1);
    addUserSocket(userId, conn);
    let set = byWorkspace.get(workspaceId);
    if (!set) byWorkspace.set(workspaceId, (set = new Set()));
    set.add(conn);
    // A fingerprint taken before this check must not vouch for it (A→B→A: added, removed again).
    invalidate(workspaceId, userId);
    conn.log.info('authenticated');
    send(conn, { type: 'ready', connectionId: conn.id, userId, workspaceId });
    if (projectId) await join(conn, projectId, verdict);
  }

  /** A user-level socket (no workspace): the session must live; the same per-session and per-user caps. */
  async function authenticateAccount(conn: Connection, userId: string, sessionId: string): Promise<void> {
    conn.log = conn.log.child({ userId });
    const profile = await admitSession({ sessionId, userId });
    if (!profile) return close(conn, REALTIME_CLOSE.sessionEnded, 'session ended');
    if (conn.closed) return;
    const over = (bySession.get(sessionId) ?? 0) >= socketLimits.perSession ? 'session' : (byUser.get(userId) ?? 0) >= socketLimits.perUser ? 'user' : null;
    if (over) return close(conn, REALTIME_CLOSE.tooManySockets, `too many connections for this ${over}`);
    conn.account = { id: userId, sessionId };
    bump(bySession, sessionId, 1);
    bump(byUser, userId, 1);
    addUserSocket(userId, conn);
    conn.log.info('authenticated (user-level)');
    send(conn, { type: 'ready', connectionId: conn.id, userId, workspaceId: null });
  }

  /** `checked`: a verdict for this user and project taken just now (the ticket's project, checked on authentication). */
  async function join(conn: Connection, projectId: string, checked?: AccessVerdict): Promise<void> {
    const user = conn.user!;
    const verdict = checked ?? (await admitAccess({ userId: user.id, workspaceId: user.workspaceId, projects: [projectId] }));
    if (conn.closed) return;
    if (!verdict.role) return close(conn, REALTIME_CLOSE.forbidden, 'no longer a member of this workspace');
    user.role = verdict.role;
    if (!verdict.visible.has(projectId)) {
      conn.log.info({ projectId }, 'join refused');
      return send(conn, { type: 'join_refused', projectId, code: REALTIME_CLOSE.forbidden, reason: 'project not found or not visible to you' });
    }
    if (!conn.rooms.has(projectId) && conn.rooms.size >= MAX_ROOMS_PER_SOCKET) {
      return send(conn, { type: 'error', reason: `at most ${MAX_ROOMS_PER_SOCKET} projects per connection` });
    }
    let room = rooms.get(projectId);
    if (!room) rooms.set(projectId, (room = new Set()));
    room.add(conn);
    conn.rooms.add(projectId);
    // The others hear of it in the room's next coalesced delta (O(1) here, not O(room)).
    const { presence: shown, count } = presence.join(projectId, user.workspaceId, conn.id, user);
    invalidate(user.workspaceId, user.id);
    conn.log.debug({ projectId }, 'joined');
    send(conn, { type: 'joined', projectId, presence: shown, count });
  }

  async function handle(conn: Connection, message: ClientMessage): Promise<void> {
    if (conn.account) {
      if (message.type === 'ping') return send(conn, { type: 'pong' });
      return send(conn, { type: 'error', reason: message.type === 'auth' ? 'already authenticated' : 'a user-level connection joins no projects' });
    }
    if (!conn.user) {
      if (message.type === 'auth') return authenticate(conn, message.ticket);
      return close(conn, REALTIME_CLOSE.badTicket, 'authenticate first');
    }
    switch (message.type) {
      case 'auth':
        return send(conn, { type: 'error', reason: 'already authenticated' });
      case 'join':
        return join(conn, message.projectId);
      case 'leave':
        leaveRoom(conn, message.projectId);
        return send(conn, { type: 'left', projectId: message.projectId });
      case 'presence': {
        if (!conn.rooms.has(message.projectId) || !presence.setEditing(message.projectId, conn.id, conn.user.id, message.editingTaskId ?? null)) {
          return send(conn, { type: 'error', reason: 'join the project first' });
        }
        return;
      }
      case 'ping':
        return send(conn, { type: 'pong' });
    }
  }

  function enqueue(conn: Connection, work: () => Promise<void>): void {
    conn.queue = conn.queue
      .then(() => (conn.closed ? undefined : work()))
      .catch((err: unknown) => {
        conn.log.error({ err }, 'realtime handler failed');
        close(conn, 1011, 'internal error');
      });
  }

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    const id = randomUUID();
    const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : id;
    // Never log req.url: it carries the ticket.
    const conn: Connection = {
      id,
      ws,
      log: log.child({ connectionId: id, requestId }),
      user: null,
      account: null,
      rooms: new Set(),
      queue: Promise.resolve(),
      alive: true,
      slot: (connectionCount += 1) % HEARTBEAT_SLICES,
      closed: false,
      tokens: MESSAGE_BURST,
      refilledAt: Date.now(),
    };
    connections.set(id, conn);
    conn.log.debug({ ip: req.socket.remoteAddress }, 'connection opened');
    ws.on('pong', () => void (conn.alive = true));
    ws.on('close', () => detach(conn));
    ws.on('error', (err) => conn.log.warn({ err }, 'socket error'));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const now = Date.now();
      conn.tokens = Math.min(MESSAGE_BURST, conn.tokens + ((now - conn.refilledAt) / 1000) * MESSAGES_PER_SECOND);
      conn.refilledAt = now;
      if (conn.tokens < 1) return close(conn, REALTIME_CLOSE.policy, 'too many messages');
      conn.tokens -= 1;
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(rawToString(data));
      } catch {
        parsed = undefined;
      }
      const message = clientMessageSchema.safeParse(parsed);
      if (!message.success) {
        if (!conn.user && !conn.account) return close(conn, REALTIME_CLOSE.badTicket, 'authenticate first');
        return send(conn, { type: 'error', reason: 'invalid message' });
      }
      enqueue(conn, () => handle(conn, message.data));
    });

    const ticket = new URL(req.url ?? '/', 'http://sidecar').searchParams.get('ticket');
    if (ticket) {
      enqueue(conn, () => authenticate(conn, ticket));
    } else {
      const timer = setTimeout(() => {
        if (!conn.user && !conn.account) close(conn, REALTIME_CLOSE.authTimeout, 'no ticket');
      }, authTimeoutMs);
      ws.once('close', () => clearTimeout(timer));
    }
  }

  // ── Re-checks (revocation) ───────────────────────────────────────────────────────────────────

  /** Applies a verdict on the rooms it was asked about (`checked`); a room joined meanwhile had its own check on join. */
  function applyVerdict(conns: Connection[], verdict: AccessVerdict, checked: ReadonlySet<string>): void {
    for (const conn of conns) {
      if (conn.closed) continue;
      if (!verdict.role) {
        close(conn, REALTIME_CLOSE.forbidden, 'removed from the workspace');
        continue;
      }
      conn.user!.role = verdict.role;
      for (const projectId of [...conn.rooms]) {
        if (verdict.visible.has(projectId) || !checked.has(projectId)) continue;
        leaveRoom(conn, projectId);
        conn.log.info({ projectId }, 'kicked from room');
        send(conn, { type: 'kicked', projectId, reason: 'access revoked' });
      }
    }
  }

  /**
   * Re-checks every connected user of `workspaceId` (all workspaces when omitted) and applies the
   * verdicts (4403 / `kicked`). With `alsoProject`, each verdict also says whether the user may see
   * that project; the verdicts are returned by `<workspace>:<user>`.
   */
  async function recheck(workspaceId?: string, alsoProject?: string, onlyUsers?: ReadonlySet<string>): Promise<Map<string, AccessVerdict>> {
    const groups = new Map<string, Connection[]>();
    for (const [ws, set] of byWorkspace) {
      if (workspaceId && ws !== workspaceId) continue;
      for (const conn of set) {
        if (onlyUsers && !onlyUsers.has(conn.user!.id)) continue;
        const key = `${ws}:${conn.user!.id}`;
        const list = groups.get(key);
        if (list) list.push(conn);
        else groups.set(key, [conn]);
      }
    }
    // One batched statement per workspace (checkAccessMany: each user checked as that user, under RLS).
    const verdicts = new Map<string, AccessVerdict>();
    const byWs = new Map<string, Array<{ key: string; userId: string; conns: Connection[]; projects: string[] }>>();
    for (const [key, conns] of groups) {
      const { id: userId, workspaceId: ws } = conns[0]!.user!;
      const projects = conns.flatMap((c) => [...c.rooms]);
      if (alsoProject) projects.push(alsoProject);
      const list = byWs.get(ws);
      const item = { key, userId, conns, projects };
      if (list) list.push(item);
      else byWs.set(ws, [item]);
    }
    for (const [ws, items] of byWs) {
      const answers = await checkAccessMany(db, ws, new Map(items.map((i) => [i.userId, i.projects])));
      for (const item of items) {
        const verdict = answers.get(item.userId)!;
        verdicts.set(item.key, verdict);
        applyVerdict(item.conns, verdict, new Set(item.projects));
      }
    }
    return verdicts;
  }

  /** Closes (4410) the sockets whose session ended since they authenticated: one query for all of them. */
  async function closeEndedSessions(): Promise<void> {
    const authenticated = [...connections.values()].filter((c) => (c.user || c.account) && !c.closed);
    const owner = (c: Connection) => (c.user ?? c.account)!;
    const owners = new Map(authenticated.map((c) => [owner(c).sessionId, owner(c).id]));
    const live = await liveSessions(db, owners);
    for (const conn of authenticated) {
      if (!live.has(owner(conn).sessionId)) close(conn, REALTIME_CLOSE.sessionEnded, 'session ended');
    }
  }

  /**
   * Every `recheckMs`: the sessions of all sockets (closeEndedSessions), then one fingerprint query
   * per workspace with sockets; the per-user checks run for a workspace whose fingerprint changed (a
   * member removed, a role or project member list changed, a project turned private or was deleted)
   * or whose last full check is `fullRecheckMs` old.
   */
  async function periodicRecheck(): Promise<void> {
    if (rechecking || stopping) return;
    rechecking = true;
    try {
      const now = Date.now();
      cluster.sweep(now);
      await closeEndedSessions();
      for (const ws of fresh.keys()) if (!byWorkspace.has(ws)) fresh.delete(ws);
      for (const ws of lastFull.keys()) if (!byWorkspace.has(ws)) lastFull.delete(ws);
      const work = [...byWorkspace.keys()];
      const worker = async () => {
        for (let ws = work.shift(); ws; ws = work.shift()) {
          // Who was admitted before this fingerprint was read: its checks are vouched for after this tick.
          const admitted = new Map(fresh.get(ws) ?? []);
          const fingerprint = await accessFingerprint(db, ws);
          const last = lastFull.get(ws);
          log.trace({ workspaceId: ws, fingerprint, last: last?.fingerprint }, 'access fingerprint');
          if (last && last.fingerprint === fingerprint && Date.now() - last.at < fullRecheckMs) {
            if (admitted.size > 0) await recheck(ws, undefined, new Set(admitted.keys()));
          } else {
            await recheck(ws);
            lastFull.set(ws, { fingerprint, at: Date.now() });
          }
          // Vouched for — unless admitted again meanwhile (then the next tick checks them again).
          const still = fresh.get(ws);
          for (const [userId, seq] of admitted) if (still?.get(userId) === seq) still.delete(userId);
          if (still?.size === 0) fresh.delete(ws);
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, work.length) }, worker));
    } catch (err) {
      log.error({ err }, 'access re-check failed');
    } finally {
      rechecking = false;
    }
  }

  // ── Fan-out ──────────────────────────────────────────────────────────────────────────────────

  /** Reads the row as a connected user of the workspace who can see it (admins first). */
  async function readEvent(workspaceId: string, id: number, conns: Set<Connection>): Promise<RealtimeEvent | null> {
    const readers = [...new Map([...conns].map((c) => [c.user!.id, c.user!.role])).entries()]
      .sort(([, a], [, b]) => rank(b) - rank(a))
      .slice(0, MAX_READ_ATTEMPTS);
    for (const [userId] of readers) {
      const event = await readOutboxEvent(db, workspaceId, userId, id);
      if (event) return event;
    }
    return null;
  }

  /** Sends one frame to every open socket of the workspace that `include` accepts. */
  function sendToWorkspace(workspaceId: string, message: ServerMessage, include: (conn: Connection) => boolean = () => true): number {
    const frame = textFrame(JSON.stringify(message));
    let sent = 0;
    for (const conn of byWorkspace.get(workspaceId) ?? []) {
      if (conn.closed || !include(conn)) continue;
      send(conn, frame);
      sent += 1;
    }
    return sent;
  }

  async function deliver(workspaceId: string, id: number): Promise<void> {
    if (!byWorkspace.get(workspaceId)?.size) return;
    let event = await readEvent(workspaceId, id, byWorkspace.get(workspaceId)!);
    // No connected user may read it: only a project leaving someone's view still concerns them
    // (their private project deleted, their own removal). That read is never sent on.
    const readable = event !== null;
    if (!event) {
      event = await readOutboxEventAsAdmin(db, workspaceId, id);
      if (!event || (event.type !== 'project.deleted' && event.type !== 'project.member_removed')) return;
    }
    const projectEvent = event.type.startsWith('project.') && event.projectId !== null;
    // Re-check before delivery, so the event that revokes access is not itself leaked.
    const verdicts =
      event.type.startsWith('member.') || event.type.startsWith('project.')
        ? await recheck(workspaceId, projectEvent ? event.projectId! : undefined)
        : new Map<string, AccessVerdict>();
    const message: ServerMessage = { type: 'event', event };
    let sent = 0;
    let hidden = 0;
    if (projectEvent) {
      const projectId = event.projectId!;
      const verdictOf = (conn: Connection) => verdicts.get(`${workspaceId}:${conn.user!.id}`);
      if (event.type === 'project.deleted') {
        // Everyone who could see it (a private project's id is not announced to others).
        const users = [...new Set([...(byWorkspace.get(workspaceId) ?? [])].map((c) => c.user!.id))];
        const told = new Set<string>();
        for (const userId of users) if (await couldSeeProject(db, userId, workspaceId, projectId)) told.add(userId);
        hidden = sendToWorkspace(workspaceId, { type: 'project_hidden', projectId }, (c) => told.has(c.user!.id));
      } else {
        // Told that it left their view: the removed member, or everyone who lost it when it turned private.
        const revoked = event.type === 'project.member_removed' ? event.payload.userId : undefined;
        const turnedPrivate = event.type === 'project.updated' && event.payload.previousVisibility === 'workspace' && event.payload.visibility === 'private';
        hidden = sendToWorkspace(
          workspaceId,
          { type: 'project_hidden', projectId },
          (c) => (turnedPrivate || c.user!.id === revoked) && verdictOf(c)?.visible.has(projectId) === false,
        );
        // Every socket whose user may see the project, joined or not (a project list updates live).
        if (readable) sent = sendToWorkspace(workspaceId, message, (c) => verdictOf(c)?.visible.has(projectId) === true);
      }
    } else if (event.projectId) {
      // A project belongs to one workspace; the filter is a second fence, not the first.
      sent = sendToRoom(event.projectId, message, workspaceId);
    } else {
      // Workspace-level events; a removed member's sockets were closed by the re-check — and are fenced off here too.
      const removed = event.type === 'member.removed' ? event.payload.userId : undefined;
      sent = sendToWorkspace(workspaceId, message, (c) => c.user!.id !== removed);
    }
    log.debug({ eventId: id, workspaceId, type: event.type, sent, hidden }, 'event fanned out');
  }

  /**
   * `deliver`, re-tried when it throws (the row read failed: the database went away). An event that
   * cannot be delivered is never dropped silently: the workspace's sockets are told to resync from
   * their last position (their cursor has not passed it: events are delivered one at a time, in
   * order, and this one blocks those after it until it is settled).
   */
  async function deliverOrResync(workspaceId: string, id: number): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await deliver(workspaceId, id);
        deliveryFailing = false;
        return;
      } catch (err) {
        // While the database is known to be down (LISTEN gone too) do not hold up the queue: the
        // LISTEN restore tells everyone to resync anyway.
        const giveUp = stopping || attempt >= DELIVERY_RETRY_MS.length || (deliveryFailing && !subscription.listening());
        if (giveUp) {
          deliveryFailing = true;
          const told = sendToWorkspace(workspaceId, { type: 'resync', reason: 'delivery_failed' });
          log.error({ err, eventId: id, workspaceId, attempts: attempt + 1, told }, 'event fan-out failed; the workspace resyncs');
          return;
        }
        log.warn({ err, eventId: id, workspaceId, attempt: attempt + 1 }, 'event fan-out failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, DELIVERY_RETRY_MS[attempt]));
      }
    }
  }

  function onNotify(payload: string): void {
    const parsed = parseEventNotification(payload);
    if (!parsed) return void log.warn({ payload }, 'unexpected notification payload');
    const { workspaceId, eventId: id } = parsed;
    // One at a time, in NOTIFY (= commit) order.
    eventChain = eventChain
      .then(() => deliverOrResync(workspaceId, id))
      .catch((err: unknown) => log.error({ err, eventId: id, workspaceId }, 'event fan-out failed'));
  }

  /**
   * LISTEN is back after a gap: every NOTIFY of the gap is lost, so every authenticated socket is
   * told to resync from its last position. Sent at once (before any event NOTIFYed after the
   * re-LISTEN, whose fan-out needs a read first), so a client's position cannot move past the gap.
   */
  function onListenRestored(reason: RestoreReason): void {
    let told = 0;
    const frame = textFrame(JSON.stringify({ type: 'resync', reason: 'listen_restored' } satisfies ServerMessage));
    for (const conn of connections.values()) {
      if (!conn.user || conn.closed) continue;
      send(conn, frame);
      told += 1;
    }
    log.warn({ reason, told }, 'LISTEN restored: sockets told to resync');
  }

  const subscription = createEventSubscription({
    connect: options.listenClient,
    channel: EVENTS_CHANNEL,
    onNotify,
    onRestored: onListenRestored,
    log,
    probeMs: options.probeMs,
    probeTimeoutMs: options.probeTimeoutMs,
  });

  // ── Notifications (COLLAB-7) ─────────────────────────────────────────────────────────────────

  const notificationsFrame = textFrame(JSON.stringify({ type: 'notifications' } satisfies ServerMessage));

  /** `kanso_notifications` carries the recipient's id: tell each of their sockets to refetch. */
  function onNotificationNotify(payload: string): void {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(payload)) return void log.warn('unexpected notifications payload');
    let sent = 0;
    for (const conn of userSockets.get(payload.toLowerCase()) ?? []) {
      if (conn.closed) continue;
      send(conn, notificationsFrame);
      sent += 1;
    }
    log.debug({ sent }, 'notification frame fanned out');
  }

  /** The notifications LISTEN is back after a gap: every authenticated socket refetches its count. */
  function onNotificationsRestored(reason: RestoreReason): void {
    let told = 0;
    for (const set of userSockets.values()) {
      for (const conn of set) {
        if (conn.closed) continue;
        send(conn, notificationsFrame);
        told += 1;
      }
    }
    log.warn({ reason, told }, 'notifications LISTEN restored: sockets told to refetch');
  }

  const notificationSubscription = createEventSubscription({
    connect: options.listenClient,
    channel: NOTIFICATIONS_CHANNEL,
    onNotify: onNotificationNotify,
    onRestored: onNotificationsRestored,
    log,
    probeMs: options.probeMs,
    probeTimeoutMs: options.probeTimeoutMs,
  });

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────────

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      // Ready only while LISTEN is known to work (the last round-trip probe came back): a sidecar
      // that would miss events must not look healthy.
      const { listening, started, restores } = subscription.state();
      const body = {
        status: listening ? 'ok' : started ? 'not_listening' : 'starting',
        service: 'kanso-realtime',
        listening,
        restores,
        // The badge's LISTEN: reported, not part of readiness (the board events are; a missed
        // notification frame costs a badge refresh, which the client also polls for).
        notificationsListening: notificationSubscription.listening(),
        connections: connections.size,
        rooms: rooms.size,
        adapter: cluster.shared ? 'redis' : 'postgres',
      };
      res.writeHead(listening ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  }

  const http: Server = createServer(onRequest);
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });
  wss.on('connection', onConnection);

  return {
    /**
     * Starts LISTEN (supervised: /health answers 503 until it is up, and whenever it is not known
     * to work), the re-check and heartbeat timers, then the HTTP/WebSocket server.
     */
    async start(): Promise<AddressInfo> {
      await cluster.start(clusterHooks);
      subscription.start();
      notificationSubscription.start();
      recheckTimer = setInterval(() => void periodicRecheck(), recheckMs);
      // Each socket is pinged once per heartbeatMs, in HEARTBEAT_SLICES slices spread over the period
      // (10,000 pings in one loop held the event loop ~100 ms, delaying whatever event arrived then).
      let slice = 0;
      heartbeatTimer = setInterval(() => {
        slice = (slice + 1) % HEARTBEAT_SLICES;
        for (const conn of connections.values()) {
          if (conn.slot !== slice) continue;
          if (!conn.alive) {
            conn.ws.terminate();
            continue;
          }
          conn.alive = false;
          conn.ws.ping();
        }
      }, heartbeatMs / HEARTBEAT_SLICES);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => resolve());
      });
      return http.address() as AddressInfo;
    },

    /** Graceful stop: sockets closed with 1001, LISTEN ended, server closed. */
    async stop(): Promise<void> {
      stopping = true;
      if (recheckTimer) clearInterval(recheckTimer);
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      const sockets = [...wss.clients];
      for (const conn of [...connections.values()]) close(conn, REALTIME_CLOSE.goingAway, 'server shutting down');
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.close(REALTIME_CLOSE.goingAway, 'server shutting down');
      await Promise.race([
        Promise.all(sockets.map((ws) => (ws.readyState === ws.CLOSED ? null : new Promise((r) => ws.once('close', r))))),
        new Promise((r) => setTimeout(r, 2000).unref()),
      ]);
      for (const ws of sockets) ws.terminate();
      // Our users' leaves go out to the other instances before `bye` (which drops them anyway).
      presence.flushAll();
      presence.stop();
      await subscription.stop();
      await notificationSubscription.stop();
      await cluster.stop().catch((err: unknown) => log.warn({ err }, 'cluster adapter stop failed'));
      await eventChain;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },

    stats: () => ({ connections: connections.size, rooms: rooms.size, listening: subscription.listening(), presenceFrames: presence.stats().presenceFrames }),
  };
}

export type RealtimeServer = ReturnType<typeof createRealtimeServer>;

function rank(role: Role): number {
  return role === 'owner' || role === 'admin' ? 1 : 0;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
