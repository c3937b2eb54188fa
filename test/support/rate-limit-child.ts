/**
 * A second app instance's limiter, for src/server/platform/rate-limit.test.ts: tries `attempts`
 * checks of `policy` for `subject` at once against DATABASE_URL and prints `{"allowed":n}`.
 *
 *   node --import tsx test/support/rate-limit-child.ts <policy> <subject> <attempts>
 */
import { closeDb } from '@/server/db/client';
import { connectRateLimiter, enforceRateLimits, rateLimitRefusalOf, resetRateLimiters } from '@/server/platform/rate-limit';
import type { PolicyName } from '@/server/platform/rate-limit-policies';

const [policy, subject, attempts] = process.argv.slice(2) as [PolicyName, string, string];
await connectRateLimiter();
const results = await Promise.all(
  Array.from({ length: Number(attempts) }, () =>
    enforceRateLimits([{ policy, subject }]).then(
      () => true,
      (error: unknown) => {
        if (rateLimitRefusalOf(error)) return false;
        throw error;
      },
    ),
  ),
);
process.stdout.write(`${JSON.stringify({ allowed: results.filter(Boolean).length })}\n`);
await resetRateLimiters();
await closeDb();
