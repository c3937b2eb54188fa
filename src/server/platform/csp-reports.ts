/**
 * CSP violation reports (SEC-1): parsed from either format browsers send — `application/csp-report`
 * (`report-uri`, one `{ "csp-report": {…} }`) and `application/reports+json` (`report-to`, an array of
 * `{ type: "csp-violation", body: {…} }`) — reduced to a few bounded fields, logged and counted.
 * Nothing of the page's content is kept: URLs lose their query and fragment (they can carry tokens).
 */
import { logger } from './logger';

export interface CspViolation {
  directive: string;
  blocked: string;
  documentPath: string;
  disposition: string;
}

const MAX_REPORTS = 20;
const clip = (value: unknown, max = 200): string => (typeof value === 'string' ? value.slice(0, max) : '');

/** A URL without query or fragment (they may carry tokens); keywords like `inline` as they are. */
function withoutQuery(value: unknown): string {
  const text = clip(value, 500);
  try {
    const url = new URL(text);
    return clip(`${url.origin}${url.pathname}`);
  } catch {
    return clip(text.split(/[?#]/)[0]);
  }
}

function violationOf(body: Record<string, unknown>): CspViolation {
  return {
    directive: clip(body['effective-directive'] ?? body.effectiveDirective ?? body['violated-directive'], 60),
    blocked: withoutQuery(body['blocked-uri'] ?? body.blockedURL),
    documentPath: (() => {
      const doc = body['document-uri'] ?? body.documentURL;
      try {
        return clip(new URL(String(doc)).pathname);
      } catch {
        return '';
      }
    })(),
    disposition: clip(body.disposition, 10) || 'enforce',
  };
}

/** The violations a report body describes (at most 20; anything malformed is skipped). */
export function parseCspReports(payload: unknown): CspViolation[] {
  const reports: Record<string, unknown>[] = [];
  if (Array.isArray(payload)) {
    for (const item of payload) {
      if (item && typeof item === 'object' && (item as { type?: unknown }).type === 'csp-violation') {
        const body = (item as { body?: unknown }).body;
        if (body && typeof body === 'object') reports.push(body as Record<string, unknown>);
      }
    }
  } else if (payload && typeof payload === 'object') {
    const body = (payload as { 'csp-report'?: unknown })['csp-report'];
    if (body && typeof body === 'object') reports.push(body as Record<string, unknown>);
  }
  return reports.slice(0, MAX_REPORTS).map(violationOf);
}

let received = 0;

/** Violations received by this process since it started (also in every log line). */
export function cspViolationCount(): number {
  return received;
}

export function recordCspViolations(violations: CspViolation[]): void {
  for (const violation of violations) {
    received += 1;
    logger.warn({ ...violation, total: received }, 'csp violation');
  }
}
