/** Auth.js endpoints (magic links, OAuth/OIDC callbacks); configuration in src/server/auth/auth-config.ts. */
import { handlers } from '@/server/auth/auth-config';
import { withRequestId } from '@/server/platform/request-context';

// Auth.js logs through the process logger (auth-config.ts): inside the request's context, with its id.
export const GET = withRequestId(handlers.GET);
export const POST = withRequestId(handlers.POST);
