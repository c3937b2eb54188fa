/** Invitation limits shared by the server (src/server/invitations) and the settings UI. */
export const INVITATION_TTL_DAYS = 7;
/** The choices for an invite link's lifetime (null = no expiry). */
export const INVITE_LINK_EXPIRY_DAYS = [1, 7, 30, 90] as const;
export const MAX_ALLOWED_DOMAINS = 20;

/** "example.com, @example.org  x.io" → ['example.com', '@example.org', 'x.io'] (the server normalises and validates). */
export function splitDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}
