/**
 * One WebSocket frame written to many sockets (ADR 0015). `ws.send(text)` re-measures, re-encodes
 * and frames the text for every socket (cork, two writes, uncork); for a room of 10,000 that loop
 * was most of an event's delivery time. `textFrame` frames the message once (an unmasked final
 * text frame, RFC 6455 §5.2: server frames are never masked) and `writeFrame` hands that one Buffer to each
 * socket's TCP stream.
 *
 * `writeFrame` writes to the socket `ws` holds (`_socket`, not part of its typed API) only when that
 * is safe to interleave with `ws`'s own sends: the socket is open and `ws` has no extension that
 * transforms frames (permessage-deflate, which the sidecar does not enable) — then `ws` writes each
 * frame synchronously too, so order is kept. Otherwise it falls back to `ws.send`. `bufferedAmount`
 * still counts these bytes (it reads the socket's write queue).
 */
import type { WebSocket } from 'ws';

export interface PreparedFrame {
  text: string;
  frame: Buffer;
}

export function textFrame(text: string): PreparedFrame {
  const payload = Buffer.from(text, 'utf8');
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + text
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  payload.copy(frame, headerLength);
  return { text, frame };
}

interface WsInternals {
  _socket?: { write(chunk: Buffer): boolean; destroyed?: boolean } | null;
  _extensions?: Record<string, unknown>;
}

const noExtensions = new WeakMap<WebSocket, boolean>();

export function writeFrame(ws: WebSocket, prepared: PreparedFrame): void {
  const raw = ws as unknown as WsInternals;
  let plain = noExtensions.get(ws);
  if (plain === undefined) {
    // Negotiated once, at the upgrade: remembered per socket (this runs 10,000 times per event).
    plain = raw._extensions !== undefined && Object.keys(raw._extensions).length === 0;
    noExtensions.set(ws, plain);
  }
  const socket = raw._socket;
  if (plain && socket && !socket.destroyed) socket.write(prepared.frame);
  else ws.send(prepared.text);
}
