'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { useRouter } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';

/** "Leave workspace" for the signed-in member, with a confirmation; the last owner is told why not. */
export function LeaveWorkspace({ workspaceName, lastOwner }: { workspaceName: string; lastOwner: boolean }) {
  const t = useTranslations('members.leave');
  const tc = useTranslations('common');
  const canLeave = useCan('workspace:leave');
  const { workspaceSlug } = useWorkspaceRole();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const openButton = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  const leave = useMutation(
    trpc.member.leave.mutationOptions({
      onSuccess: () => {
        // Nothing of the workspace may stay in the cache once we are out.
        queryClient.clear();
        router.replace('/w');
        router.refresh();
      },
    }),
  );
  if (!canLeave) return null;
  return (
    <Card>
      <section aria-labelledby="leave-heading">
        <h2 id="leave-heading" className="font-semibold">
          {t('title')}
        </h2>
        {lastOwner ? (
          <p className="mt-1 text-sm text-muted-foreground" data-testid="leave-last-owner">
            {t('lastOwner')}
          </p>
        ) : (
          <>
            <p className="mt-1 text-sm text-muted-foreground">{t('body', { workspace: workspaceName })}</p>
            {confirming ? (
              <div role="group" aria-labelledby="leave-confirm" className="mt-4 grid gap-2">
                <p id="leave-confirm" className="text-sm">
                  {t('confirm', { workspace: workspaceName })}
                </p>
                <div className="flex gap-2">
                  <Button variant="destructive" size="sm" autoFocus disabled={leave.isPending} onClick={() => leave.mutate({ workspaceSlug })}>
                    {leave.isPending ? t('leaving') : t('confirmButton')}
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => {
                      setConfirming(false);
                      requestAnimationFrame(() => openButton.current?.focus());
                    }}
                  >
                    {tc('cancel')}
                  </Button>
                </div>
              </div>
            ) : (
              <Button ref={openButton} variant="outline" size="sm" className="mt-4" onClick={() => setConfirming(true)} data-testid="leave-workspace">
                {t('button')}
              </Button>
            )}
          </>
        )}
        {leave.error ? (
          <Alert variant="error" className="mt-3">
            {leave.error.message}
          </Alert>
        ) : null}
      </section>
    </Card>
  );
}
