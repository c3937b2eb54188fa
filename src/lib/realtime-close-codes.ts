/**
 * The realtime sidecar's WebSocket close codes (protocol: src/lib/realtime-protocol.ts, which
 * re-exports them). A module of its own without zod: browser code imports the codes from here, since
 * a value import of realtime-protocol.ts ships zod (≈ 47 KB gzip) to every signed-in page (PERF-3,
 * ADR 0016).
 */
export const REALTIME_CLOSE = {
  badTicket: 4401,
  forbidden: 4403,
  /** The session the ticket was minted for ended (signed out, revoked, expired): sign in again. */
  sessionEnded: 4410,
  authTimeout: 4408,
  /** Over the sidecar's cap of sockets per session, user or workspace (SEC-2); the client retries later. */
  tooManySockets: 4429,
  goingAway: 1001,
  policy: 1008,
} as const;
