/** Whether the web process serves this request on the direct API path (scripts/lib/api-server.ts, ADR 0018). */
export function isApiRequest(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/api/trpc/');
}
