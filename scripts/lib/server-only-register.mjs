// `node --import ./scripts/lib/server-only-register.mjs …`: installs ./server-only-hooks.mjs in a
// process that loads server modules outside Next without the react-server condition — the job
// worker, which renders React Email (react-dom/server refuses to load under react-server).
import { register } from 'node:module';

register('./server-only-hooks.mjs', import.meta.url);
