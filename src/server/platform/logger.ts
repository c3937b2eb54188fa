/**
 * Structured JSON logs (OBS-1). Each request gets a child logger carrying its request id,
 * and user/workspace ids once known; a line written through the process logger inside a request
 * (src/server/platform/request-context.ts) gets the request id too. Secrets are redacted by path.
 */
import pino from 'pino';
import { currentRequestId } from './request-context';

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers.cookie',
  'headers.authorization',
  '*.headers.cookie',
  '*.headers.authorization',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; service?: string } = {}) {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
      base: { service: options.service ?? 'kanso-web' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The request id of the surrounding request, unless the (child) logger already carries one.
      mixin: (_object, _level, instance) => {
        const requestId = currentRequestId();
        return requestId && !('requestId' in instance.bindings()) ? { requestId } : {};
      },
    },
    options.destination,
  );
}

export type Logger = pino.Logger;

const globalForLogger = globalThis as unknown as { kansoLogger?: Logger };
export const logger: Logger = (globalForLogger.kansoLogger ??= createLogger());
