/**
 * The rate limiter (SEC-2; ADR 0025): `rate-limiter-flexible` over one of three stores.
 *
 *   postgres  the default: the `rate_limits` table of the app's own database, so every app instance on
 *             it shares one budget; one prepared upsert (one round trip) per check
 *   redis     when REDIS_URL is set (the same Redis the realtime sidecars share)
 *   memory    one process only (RATE_LIMIT_STORE=memory)
 *   off       no limits (RATE_LIMIT_STORE=off; benches measuring the limiter's cost; logged loudly)
 *
 * A store that fails (the database or Redis unreachable) hands over to a memory limiter of the same
 * policy, so limits still hold per process and the limiter never turns an outage into a 500.
 *
 * Policies are named in src/server/platform/rate-limit-policies.ts. A refused check throws an AppError
 * TOO_MANY_REQUESTS whose details carry the wait and the policy; tRPC answers it as 429 with
 * `Retry-After`, `RateLimit` and `RateLimit-Policy` (`rateLimitHeaders`, IETF httpapi draft).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { db, type Database, type DbOrTx } from '@/server/db/client';
import { statement } from '@/server/db/prepared';
import { rateLimits } from '@/server/db/schema/platform';
import { env } from './env';
import { AppError } from './errors';
import { logger } from './logger';
import { allowedPoints, policyOf, type PlanId, type PolicyName } from './rate-limit-policies';

export type RateLimitStore = 'postgres' | 'redis' | 'memory' | 'off';

// ─── The PostgreSQL store ────────────────────────────────────────────────────────────────────────

interface StoredRow {
  points: number;
  /** Milliseconds until the window ends, by the database's clock; null for a key that never expires. */
  ms_left: number | null;
}

const LEFT = sql.raw(`case when expire is null then null else (extract(epoch from (expire - now())) * 1000)::float8 end as ms_left`);
const EXPIRE = sql`case when ${sql.placeholder('ms')}::integer > 0 then now() + ${sql.placeholder('ms')}::integer * interval '1 millisecond' end`;

const addPoints = statement<{ key: string; points: number; ms: number }, StoredRow>(
  () => sql`insert into rate_limits (key, points, expire) values (${sql.placeholder('key')}::text, ${sql.placeholder('points')}::integer, ${EXPIRE})
    on conflict (key) do update set
      points = case when rate_limits.expire <= now() then excluded.points else rate_limits.points + excluded.points end,
      expire = case when rate_limits.expire <= now() then excluded.expire else rate_limits.expire end
    returning points, ${LEFT}`,
);
const setPoints = statement<{ key: string; points: number; ms: number }, StoredRow>(
  () => sql`insert into rate_limits (key, points, expire) values (${sql.placeholder('key')}::text, ${sql.placeholder('points')}::integer, ${EXPIRE})
    on conflict (key) do update set points = excluded.points, expire = excluded.expire
    returning points, ${LEFT}`,
);
const readPoints = statement<{ key: string }, StoredRow>(
  () => sql`select points, ${LEFT} from rate_limits where key = ${sql.placeholder('key')}::text and (expire is null or expire > now())`,
);
const deleteKey = statement<{ key: string }, { key: string }>(() => sql`delete from rate_limits where key = ${sql.placeholder('key')}::text returning key`);
const pruneExpired = statement<Record<string, never>, { key: string }>(() => sql`delete from rate_limits where expire < now() - interval '1 hour' returning key`);

/**
 * rate-limiter-flexible's Drizzle store with its statements as Kanso's prepared statements: one round
 * trip per check instead of two (postgres.js describes an unnamed statement before binding it, ADR 0014),
 * the database's clock for every window (instances with skewed clocks still agree), and no dynamic
 * import of drizzle-orm at run time.
 */
class RateLimiterPostgresJs extends RateLimiterDrizzle {
  constructor(
    private readonly database: () => Database,
    opts: { points: number; duration: number; keyPrefix: string; insuranceLimiter: RateLimiterAbstract },
  ) {
    super({ ...opts, storeClient: {}, schema: rateLimits, clearExpiredByTimeout: false });
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false, options: StoreOptions = {}): Promise<StoredRow> {
    const [row] = await (forceExpire ? setPoints : addPoints)(options.database ?? this.database(), { key, points, ms: Math.round(msDuration) });
    return row!;
  }

  async _get(key: string): Promise<StoredRow | null> {
    const [row] = await readPoints(this.database(), { key });
    return row ?? null;
  }

  async _delete(key: string): Promise<boolean> {
    return (await deleteKey(this.database(), { key })).length > 0;
  }

  _getRateLimiterRes(_key: string, changedPoints: number, row: StoredRow): RateLimiterRes {
    const msBeforeNext = row.ms_left === null ? -1 : Math.max(Math.ceil(row.ms_left), 0);
    return new RateLimiterRes(Math.max(this.points - row.points, 0), msBeforeNext, row.points, row.points === changedPoints);
  }
}

/** Per check: the transaction to count in (a check inside a workspace procedure holds its connection already). */
interface StoreOptions {
  database?: DbOrTx;
}

// ─── Limiters per policy ─────────────────────────────────────────────────────────────────────────

interface Limiters {
  store: RateLimitStore;
  byPolicy: Map<string, RateLimiterAbstract>;
  redis?: Redis;
  pruner?: NodeJS.Timeout;
}

let current: Limiters | undefined;

/** Which store this process uses: RATE_LIMIT_STORE, else Redis when REDIS_URL is set, else PostgreSQL. */
export function rateLimitStore(): RateLimitStore {
  const { RATE_LIMIT_STORE, REDIS_URL } = env();
  return RATE_LIMIT_STORE ?? (REDIS_URL ? 'redis' : 'postgres');
}

function limiters(): Limiters {
  if (current) return current;
  const store = rateLimitStore();
  current = { store, byPolicy: new Map() };
  if (store === 'off') logger.warn('rate limits are OFF (RATE_LIMIT_STORE=off): nothing is throttled');
  if (store === 'redis') {
    // Fail fast while Redis is away: the memory insurance answers instead of queued commands.
    current.redis = new Redis(env().REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    current.redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'rate limit store (Redis) unavailable'));
  }
  if (store === 'postgres') {
    current.pruner = setInterval(() => {
      pruneExpired(db(), {}).catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'rate limit prune failed'));
    }, 5 * 60_000);
    current.pruner.unref();
  }
  return current;
}

function limiterFor(name: PolicyName, plan: PlanId): RateLimiterAbstract {
  const state = limiters();
  const policy = policyOf(name);
  const points = allowedPoints(policy, plan, env().RATE_LIMIT_SCALE);
  const id = `${name}:${points}`;
  let limiter = state.byPolicy.get(id);
  if (limiter) return limiter;
  const opts = { points, duration: policy.seconds, keyPrefix: `rl:${name}` };
  const memory = new RateLimiterMemory(opts);
  if (state.store === 'postgres') limiter = new RateLimiterPostgresJs(db, { ...opts, insuranceLimiter: memory });
  else if (state.store === 'redis') limiter = new RateLimiterRedis({ ...opts, storeClient: state.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  else limiter = memory;
  state.byPolicy.set(id, limiter);
  return limiter;
}

/** Subjects are stored hashed: the table (or Redis) holds no address, email or id in clear. */
function subjectKey(subject: string): string {
  return createHash('sha256').update(subject).digest('base64url').slice(0, 24);
}

/** The store's key for a policy and subject (`rl:<policy>:<hash>`; tests and operators look rows up by it). */
export function rateLimitKey(policy: PolicyName, subject: string): string {
  return `rl:${policy}:${subjectKey(subject)}`;
}

// ─── Checks ──────────────────────────────────────────────────────────────────────────────────────

export interface RateLimitCheck {
  policy: PolicyName;
  /** Who is counted (an address, an email, an id); a check without one (no address known) is skipped. */
  subject: string | null | undefined;
  plan?: PlanId;
}

/** What a refusal tells the client (AppError details → 429 headers and the error's data). */
export interface RateLimitRefusal {
  /** Whole seconds until a call is allowed again (≥ 1). */
  retryAfter: number;
  rateLimit: { policy: PolicyName; limit: number; window: number; remaining: number };
}

/**
 * Spends one point of each check's policy; throws TOO_MANY_REQUESTS when any of them is exhausted
 * (naming the one that frees up last). Every check is spent, refused or not: a caller that keeps
 * trying while refused keeps its window full. Inside a transaction pass it as `database`: the count
 * then commits (or rolls back) with the call, and needs no second connection from the pool.
 */
export async function enforceRateLimits(checks: RateLimitCheck[], options: StoreOptions = {}): Promise<void> {
  if (rateLimitStore() === 'off') return;
  const results = await Promise.all(
    checks
      .filter((check) => check.subject)
      .map(async (check): Promise<RateLimitRefusal | null> => {
        const limiter = limiterFor(check.policy, check.plan ?? 'free');
        try {
          await limiter.consume(subjectKey(check.subject!), 1, options as Record<string, unknown>);
          return null;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) {
            // Neither the store nor its insurance answered: let the call through, say so.
            logger.error({ policy: check.policy, err: rejection instanceof Error ? rejection.message : String(rejection) }, 'rate limit check failed');
            return null;
          }
          const policy = policyOf(check.policy);
          return {
            retryAfter: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
            rateLimit: { policy: check.policy, limit: limiter.points, window: policy.seconds, remaining: 0 },
          };
        }
      }),
  );
  let refusal: RateLimitRefusal | null = null;
  for (const result of results) if (result && (!refusal || result.retryAfter > refusal.retryAfter)) refusal = result;
  if (refusal) {
    throw new AppError('TOO_MANY_REQUESTS', 'rateLimit.tooManyRequests', { params: { seconds: refusal.retryAfter }, details: { ...refusal } });
  }
}

/** Forgets a subject's count (an unlock link, a successful step that ends a throttled flow). */
export async function resetRateLimit(policy: PolicyName, subject: string, plan: PlanId = 'free'): Promise<void> {
  if (rateLimitStore() === 'off') return;
  await limiterFor(policy, plan).delete(subjectKey(subject));
}

/** The refusal an AppError carries, if it is one. */
export function rateLimitRefusalOf(error: unknown): RateLimitRefusal | null {
  if (!(error instanceof AppError) || error.code !== 'TOO_MANY_REQUESTS') return null;
  const details = error.details as Partial<RateLimitRefusal> | undefined;
  return details?.rateLimit && typeof details.retryAfter === 'number' ? (details as RateLimitRefusal) : null;
}

/**
 * The headers of a 429 (RFC 9110 `Retry-After`; `RateLimit` and `RateLimit-Policy` of the IETF httpapi
 * draft, structured fields: `"<policy>";q=<limit>;w=<window>` and `"<policy>";r=<remaining>;t=<reset>`).
 */
export function rateLimitHeaders(refusal: RateLimitRefusal): Record<string, string> {
  const { policy, limit, window, remaining } = refusal.rateLimit;
  return {
    'retry-after': String(refusal.retryAfter),
    'ratelimit-policy': `"${policy}";q=${limit};w=${window}`,
    ratelimit: `"${policy}";r=${remaining};t=${refusal.retryAfter}`,
  };
}

/**
 * Connects the store ahead of the first check (Redis: until it is ready, at most `timeoutMs`); until
 * then checks fall to the memory insurance. For processes that start serving at once.
 */
export async function connectRateLimiter(timeoutMs = 2_000): Promise<void> {
  const { redis } = limiters();
  if (!redis || redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Tests and benches that change RATE_LIMIT_* in process.env: the next check builds the limiters anew. */
export async function resetRateLimiters(): Promise<void> {
  if (current?.pruner) clearInterval(current.pruner);
  current?.redis?.disconnect();
  current = undefined;
}
