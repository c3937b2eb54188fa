import { handleTrpcRequest } from '@/server/api/http';

// The handler lives in src/server/api/http.ts: the production web process serves the same one
// without Next's request pipeline (scripts/lib/api-server.ts, ADR 0018).
export const GET = handleTrpcRequest;
export const POST = handleTrpcRequest;
