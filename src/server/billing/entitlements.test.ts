import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { localiseError, toTRPCError } from '@/server/api/errors';
import { isAppError } from '@/server/platform/errors';
import { testDb } from '../../../test/support/db';
import { hasFeature, requireFeature } from './entitlements';

describe('entitlements', () => {
  it('grants every feature while billing is not configured (BILL-4: the top plan)', async () => {
    expect(await hasFeature(testDb(), '00000000-0000-0000-0000-00000000abcd', 'webhooks')).toBe(true);
    await expect(requireFeature(testDb(), '00000000-0000-0000-0000-00000000abcd', 'webhooks')).resolves.toBeUndefined();
  });

  it('refuses a feature the plan lacks with a typed, localised FORBIDDEN', async () => {
    const error = await requireFeature(testDb(), '00000000-0000-0000-0000-00000000abcd', 'webhooks', async () => false).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('FORBIDDEN');
    const trpc = toTRPCError(error) as TRPCError;
    expect(trpc.code).toBe('FORBIDDEN');
    expect(localiseError(trpc, 'en').message).toBe("Your workspace's plan does not include webhooks.");
    expect(localiseError(trpc, 'de').message).toBe('Der Tarif Ihres Workspaces enthält keine Webhooks.');
  });
});
