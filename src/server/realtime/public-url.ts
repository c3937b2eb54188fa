import { env } from '@/server/platform/env';

/** The WebSocket URL browsers connect to (the ticket names it; the CSP's connect-src allows it). */
export function realtimePublicUrl(): string {
  const config = env();
  return config.NEXT_PUBLIC_REALTIME_URL ?? `ws://localhost:${config.REALTIME_PORT}`;
}
