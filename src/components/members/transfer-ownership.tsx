'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { FormField } from '@/components/ui/form-field';
import { Label } from '@/components/ui/label';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { useRouter } from '@/i18n/navigation';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import type { MemberItem } from './members-view';

/**
 * Owners only: pick another member and type the workspace's name to make them the owner (you
 * become an admin). The server checks the confirmation too.
 */
export function TransferOwnership({
  workspaceName,
  members,
  onNotice,
}: {
  workspaceName: string;
  members: MemberItem[];
  onNotice: (message: string | null) => void;
}) {
  const t = useTranslations('members.transfer');
  const canTransfer = useCan('workspace:transfer');
  const { workspaceSlug, userId: me } = useWorkspaceRole();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const candidates = members.filter((m) => m.userId !== me);
  const transfer = useMutation(
    trpc.member.transferOwnership.mutationOptions({
      onSuccess: async (result) => {
        const chosen = members.find((m) => m.userId === result.userId);
        onNotice(t('done', { name: chosen?.name?.trim() || chosen?.email || '' }));
        setTarget('');
        setConfirmation('');
        await queryClient.invalidateQueries({ queryKey: trpc.member.list.infiniteQueryKey({ workspaceSlug }) });
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        // Our own role changed: the layout re-reads it, and the controls follow.
        router.refresh();
      },
    }),
  );
  if (!canTransfer) return null;
  const errors = fieldErrorsOf(transfer.error);
  return (
    <Card className="border-destructive/40">
      <section aria-labelledby="transfer-heading">
        <h2 id="transfer-heading" className="font-semibold">
          {t('title')}
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">{t('body', { workspace: workspaceName })}</p>
        {candidates.length === 0 ? (
          <p className="mt-4 text-sm">{t('noCandidates')}</p>
        ) : (
          <form
            method="post"
            className="mt-4 grid gap-3"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              onNotice(null);
              transfer.mutate({ workspaceSlug, userId: target, confirmation });
            }}
          >
            <div className="grid gap-1.5">
              <Label htmlFor="transfer-target">{t('target')}</Label>
              <select
                id="transfer-target"
                value={target}
                onChange={(event) => setTarget(event.target.value)}
                aria-invalid={errors.userId ? true : undefined}
                aria-describedby={errors.userId ? 'transfer-target-error' : undefined}
                className="h-10 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              >
                <option value="">{t('choose')}</option>
                {candidates.map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {member.name?.trim() ? `${member.name.trim()} (${member.email})` : member.email}
                  </option>
                ))}
              </select>
              {errors.userId ? (
                <p id="transfer-target-error" className="text-xs text-destructive">
                  {errors.userId}
                </p>
              ) : null}
            </div>
            <FormField
              id="transfer-confirmation"
              label={t('confirmLabel', { name: workspaceName })}
              value={confirmation}
              onChange={(event) => setConfirmation(event.target.value)}
              error={errors.confirmation}
              autoComplete="off"
            />
            {transfer.error && !errors.confirmation && !errors.userId ? <Alert variant="error">{transfer.error.message}</Alert> : null}
            <div>
              <Button type="submit" variant="destructive" disabled={transfer.isPending || !target || confirmation.trim() !== workspaceName}>
                {transfer.isPending ? t('transferring') : t('button')}
              </Button>
            </div>
          </form>
        )}
      </section>
    </Card>
  );
}
