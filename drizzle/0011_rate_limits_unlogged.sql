-- The rate limiter's counters (ADR 0025) need no crash safety: losing them on a crash forgives a
-- few minutes of counts. Unlogged, an upsert writes no WAL and its COMMIT waits for no flush —
-- every tRPC call runs one (bench:rate-limit: the limiter's cost was mostly that flush).
ALTER TABLE "rate_limits" SET UNLOGGED;
