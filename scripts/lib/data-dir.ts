import path from 'node:path';

/** The launcher's data dir: embedded PostgreSQL, its credentials and lock, the children's pid files. */
export const DATA_DIR = path.resolve(process.env.KANSO_DATA_DIR ?? '.data');
