'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { useCan } from '@/components/workspaces/workspace-role';
import { useTRPC } from '@/lib/trpc/client';
import { useServerMessage } from './form-bits';
import { LoadError } from '@/components/ui/load-error';

/** Pending and expired invitations with resend (rate limited by the server) and revoke. */
export function PendingInvitations({ workspaceSlug }: { workspaceSlug: string }) {
  const t = useTranslations('invitations.pending');
  const tc = useTranslations('common');
  const tRoles = useTranslations('workspace.roles');
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canInvite = useCan('member:invite');
  const canRevoke = useCan('invitation:revoke');
  const [notice, setNotice] = useState<string | null>(null);

  const listKey = trpc.invitation.list.queryKey({ workspaceSlug });
  const list = useQuery(trpc.invitation.list.queryOptions({ workspaceSlug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: listKey });
  const resend = useMutation(
    trpc.invitation.resend.mutationOptions({
      onSuccess: async ({ invitation }) => {
        setNotice(t('resent', { email: invitation.email }));
        await refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.invitation.revoke.mutationOptions({
      onSuccess: async (_data, variables) => {
        const email = list.data?.find((i) => i.id === variables.invitationId)?.email ?? '';
        setNotice(t('revoked', { email }));
        await refresh();
      },
    }),
  );
  const failure = useServerMessage(resend.error ?? revoke.error);

  if (list.isPending) return <Spinner className="mt-4" label={tc('loading')} />;
  if (list.isError) {
    return (
      <LoadError className="mt-4" message={t('loadError')} onRetry={() => void list.refetch()} />
    );
  }

  return (
    <div className="mt-4 grid gap-3">
      {notice ? (
        <Alert variant="success" data-testid="invitations-notice">
          {notice}
        </Alert>
      ) : null}
      {failure ? (
        <Alert variant="error" data-testid="invitations-error">
          {failure}
        </Alert>
      ) : null}
      {list.data.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border p-6 text-center text-sm text-muted-foreground" data-testid="invitations-empty">
          {t('empty')}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border">
          <table className="w-full text-left text-sm" data-testid="invitations-table">
            <caption className="sr-only">{t('caption')}</caption>
            <thead className="bg-muted text-xs uppercase text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t('email')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('role')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('status')}
                </th>
                {canInvite || canRevoke ? (
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">{t('actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {list.data.map((invitation) => {
                const resending = resend.isPending && resend.variables?.invitationId === invitation.id;
                const revoking = revoke.isPending && revoke.variables?.invitationId === invitation.id;
                const limitReached = invitation.resendAvailableAt === null;
                return (
                  <tr key={invitation.id} className="border-t border-border align-top" data-testid="invitation-row" data-email={invitation.email}>
                    <th scope="row" className="px-3 py-2 font-medium">
                      <span className="break-all">{invitation.email}</span>
                      {invitation.invitedBy ? (
                        <span className="block text-xs font-normal text-muted-foreground">
                          {t('invitedBy', { name: invitation.invitedBy.name ?? invitation.invitedBy.email })}
                        </span>
                      ) : null}
                    </th>
                    <td className="px-3 py-2">{tRoles(invitation.role)}</td>
                    <td className="px-3 py-2">
                      {invitation.status === 'expired' ? (
                        <span className="font-medium text-destructive">{t('expired')}</span>
                      ) : (
                        <time dateTime={invitation.expiresAt}>{t('pendingUntil', { date: format.dateTime(new Date(invitation.expiresAt), { dateStyle: 'medium' }) })}</time>
                      )}
                      <span className="block text-xs text-muted-foreground">{t('sent', { count: invitation.sendCount })}</span>
                    </td>
                    {canInvite || canRevoke ? (
                      <td className="px-3 py-2">
                        <div className="flex flex-wrap gap-2">
                          {canInvite ? (
                            <Button
                              variant="outline"
                              size="sm"
                              disabled={resending || limitReached}
                              aria-label={t('resendLabel', { email: invitation.email })}
                              aria-describedby={limitReached ? `limit-${invitation.id}` : undefined}
                              onClick={() => {
                                setNotice(null);
                                resend.reset();
                                revoke.reset();
                                resend.mutate({ workspaceSlug, invitationId: invitation.id });
                              }}
                            >
                              {resending ? t('resending') : t('resend')}
                            </Button>
                          ) : null}
                          {canRevoke ? (
                            <Button
                              variant="outline"
                              size="sm"
                              disabled={revoking}
                              aria-label={t('revokeLabel', { email: invitation.email })}
                              onClick={() => {
                                setNotice(null);
                                resend.reset();
                                revoke.reset();
                                revoke.mutate({ workspaceSlug, invitationId: invitation.id });
                              }}
                            >
                              {revoking ? t('revoking') : t('revoke')}
                            </Button>
                          ) : null}
                        </div>
                        {limitReached ? (
                          <p id={`limit-${invitation.id}`} className="mt-1 text-xs text-muted-foreground">
                            {t('resendLimit')}
                          </p>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
