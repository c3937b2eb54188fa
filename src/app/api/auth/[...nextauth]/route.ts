/** Auth.js endpoints (magic links, OAuth/OIDC callbacks); configuration in src/server/auth/auth-config.ts. */
import { handlers } from '@/server/auth/auth-config';

export const { GET, POST } = handlers;
