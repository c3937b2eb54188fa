/**
 * What a workspace's plan entitles it to (BILL-*). Every gated capability asks here — never a plan
 * name — so the billing work switches one place.
 *
 * Today billing is not configured anywhere, and per SPEC BILL-4 a workspace then gets every feature
 * of the top plan: `hasFeature` answers true. The billing issue replaces its body with a lookup of
 * the workspace's subscription (same signature, inside the caller's transaction).
 */
import type { DbOrTx } from '@/server/db/client';
import { AppError } from '@/server/platform/errors';

export const FEATURES = ['webhooks'] as const;
export type Feature = (typeof FEATURES)[number];

/** Whether `workspaceId`'s plan includes `feature`. */
export async function hasFeature(_tx: DbOrTx, _workspaceId: string, _feature: Feature): Promise<boolean> {
  return true;
}

export type FeatureCheck = typeof hasFeature;

/** Throws a typed FORBIDDEN (localised: errors.billing.featureUnavailable.<feature>) unless the plan includes `feature`. */
export async function requireFeature(tx: DbOrTx, workspaceId: string, feature: Feature, check: FeatureCheck = hasFeature): Promise<void> {
  if (!(await check(tx, workspaceId, feature))) {
    throw new AppError('FORBIDDEN', `billing.featureUnavailable.${feature}`, { details: { feature } });
  }
}
