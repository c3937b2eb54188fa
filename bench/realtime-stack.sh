#!/usr/bin/env bash
# PERF-2 against the real stack: starts `npm start` (the production build, embedded PostgreSQL in
# .data/bench-stack on 54349, Next on 3300, its sidecar on 3301 — or BENCH_PG_PORT, BENCH_APP_PORT,
# BENCH_REALTIME_PORT), then runs bench/realtime.ts with --app-url so every edit goes through Next's
# real /api/trpc endpoint, and stops the stack.
#
#   npm run build && bash bench/realtime-stack.sh [--clients=200] [--edits=50] [--idle=2000]
#   … bash bench/realtime-stack.sh --room-sockets=10000 --probes=200   (a big room, ADR 0015)
#
# Loopback only; the loops are bounded (the bench's own limits, a 120 s start-up wait).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .next/BUILD_ID ] || { echo "no production build: run npm run build first" >&2; exit 1; }

PG_PORT=${BENCH_PG_PORT:-54349} APP_PORT=${BENCH_APP_PORT:-3300} RT_PORT=${BENCH_REALTIME_PORT:-3301}
# A big room holds one descriptor per socket in this shell's bench and in the sidecar: raise the soft limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export KANSO_DATA_DIR=.data/bench-stack EMBEDDED_PG_PORT=$PG_PORT PORT=$APP_PORT REALTIME_PORT=$RT_PORT KANSO_HOST=127.0.0.1
export APP_URL=http://localhost:$APP_PORT AUTH_SECRET="bench-stack-only-secret-$(date +%s)-0123456789abcdef"
# Production refuses to start without SMTP; nothing is mailed during the bench.
export SMTP_URL=smtp://127.0.0.1:2599 LOG_LEVEL=warn DATABASE_URL= DATABASE_ADMIN_URL=

setsid npm start >/tmp/kanso-bench-stack.log 2>&1 &
STACK=$!
stop() { kill -TERM -- "-$STACK" 2>/dev/null || true; wait "$STACK" 2>/dev/null || true; }
trap stop EXIT

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$APP_PORT/api/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$APP_PORT/api/health/ready" >/dev/null || { echo "stack did not become ready:" >&2; tail -30 /tmp/kanso-bench-stack.log >&2; exit 1; }

CREDS=.data/bench-stack/credentials.json
APP_PW=$(node -p "require('./$CREDS').app")
OWNER_PW=$(node -p "require('./$CREDS').owner")
DATABASE_URL="postgres://kanso_app:${APP_PW}@127.0.0.1:$PG_PORT/kanso" \
DATABASE_ADMIN_URL="postgres://kanso_owner:${OWNER_PW}@127.0.0.1:$PG_PORT/kanso" \
  node --import ./bench/lib/register.mjs --import tsx bench/realtime.ts --app-url=http://127.0.0.1:$APP_PORT "$@"
