/**
 * A small MIME reader for the mail sink: enough for what nodemailer sends (single part or nested
 * multipart; 7bit, 8bit, quoted-printable or base64 bodies; RFC 2047 encoded headers), so the
 * suite needs no mail-parsing dependency. Anything it cannot read is kept as raw text.
 */

export interface ParsedMail {
  subject: string;
  text: string;
  html: string;
}

type Headers = Map<string, string>;

function splitHead(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): Headers {
  const headers: Headers = new Map();
  // Unfold continuation lines (a line starting with whitespace belongs to the previous header).
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** `text/html; charset=utf-8; boundary="x"` → { type: 'text/html', params: { charset, boundary } }. */
function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  const [type = 'text/plain', ...rest] = (value ?? 'text/plain').split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

function decodeBytes(bytes: Buffer, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function quotedPrintableBytes(input: string): Buffer {
  const withoutSoftBreaks = input.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < withoutSoftBreaks.length; i++) {
    const char = withoutSoftBreaks[i]!;
    const hex = withoutSoftBreaks.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(char.charCodeAt(0) & 0xff); // the raw message is read as latin1: one char per byte
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(body: string, encoding: string | undefined, charset: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable':
      return decodeBytes(quotedPrintableBytes(body), charset);
    case 'base64':
      return decodeBytes(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
    default:
      return decodeBytes(Buffer.from(body, 'binary'), charset);
  }
}

/** RFC 2047: `=?UTF-8?Q?Best=C3=A4tige?=` and `=?UTF-8?B?…?=` words in headers. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between adjacent encoded words is not part of the text
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? decodeBytes(Buffer.from(text, 'base64'), charset)
        : decodeBytes(quotedPrintableBytes(text.replace(/_/g, ' ')), charset),
    );
}

function walk(raw: string, out: ParsedMail): void {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const { type, params } = parseContentType(headers.get('content-type'));
  if (type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const sections = body.split(delimiter).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break; // closing delimiter
      // The line break before a delimiter belongs to the delimiter, not to the part.
      walk(section.replace(/^\r?\n/, '').replace(/\r?\n$/, ''), out);
    }
    return;
  }
  if ((headers.get('content-disposition') ?? '').toLowerCase().startsWith('attachment')) return;
  const content = decodeBody(body, headers.get('content-transfer-encoding'), params.charset);
  if (type === 'text/html' && !out.html) out.html = content;
  else if (type === 'text/plain' && !out.text) out.text = content;
}

/** Reads subject, text and html from a raw RFC 5322 message, given as a latin1 (`binary`) string. */
export function parseMail(raw: string): ParsedMail {
  const out: ParsedMail = { subject: '', text: '', html: '' };
  out.subject = decodeHeader(parseHeaders(splitHead(raw).head).get('subject') ?? '');
  walk(raw, out);
  return out;
}
