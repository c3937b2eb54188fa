/**
 * Choosing who the local OIDC provider (e2e/support/oidc-server.ts) signs in: it reads the
 * `x-e2e-login` header of the browser's /authorize request.
 */
import type { Page } from '@playwright/test';
import { OIDC_ISSUER } from './stack';

export interface OidcLogin {
  email: string;
  name?: string;
  email_verified?: boolean;
}

/** Every later visit of this page to the issuer's /authorize signs in as `login`. */
export async function loginAs(page: Page, login: OidcLogin): Promise<void> {
  await page.route(`${OIDC_ISSUER}/authorize**`, (route) =>
    route.continue({ headers: { ...route.request().headers(), 'x-e2e-login': JSON.stringify(login) } }),
  );
}
