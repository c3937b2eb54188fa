import { register } from 'node:module';
register('../../scripts/lib/server-only-hooks.mjs', import.meta.url);
