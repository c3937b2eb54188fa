'use client';
/** The buttons of the invite pages: accept (email invitation or invite link) and "use another account". */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useRouter } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { useSignOut } from '@/lib/use-sign-out';

function messageOf(error: unknown, fallback: string): string | null {
  if (!error) return null;
  // The server's message is localised for this request; a network failure gets a generic line.
  return error instanceof TRPCClientError && (error.data as { appCode?: string } | undefined)?.appCode ? error.message : fallback;
}

/** "Accept and join": on success into the workspace (its layout checks the new membership on the server). */
export function AcceptInviteButton({ kind, token }: { kind: 'email' | 'link'; token: string }) {
  const t = useTranslations('invite');
  const te = useTranslations('errors.generic');
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const options = {
    onSuccess: async ({ workspaceSlug }: { workspaceSlug: string }) => {
      // The workspace switcher must list the new workspace.
      await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
      router.push(`/w/${workspaceSlug}`);
    },
  };
  const acceptEmail = useMutation(trpc.invitation.accept.mutationOptions(options));
  const acceptLink = useMutation(trpc.invitation.acceptLink.mutationOptions(options));
  const accept = kind === 'email' ? acceptEmail : acceptLink;
  const alertRef = useRef<HTMLDivElement>(null);
  const message = messageOf(accept.error, te('internal'));
  useEffect(() => {
    if (message) alertRef.current?.focus();
  }, [message]);

  return (
    <div className="grid gap-3">
      {message ? (
        <Alert variant="error" ref={alertRef} tabIndex={-1} data-testid="invite-error">
          {message}
        </Alert>
      ) : null}
      {accept.isSuccess ? (
        <Alert variant="success" data-testid="invite-joined">
          {t('joined')}
        </Alert>
      ) : null}
      <Button
        type="button"
        size="lg"
        disabled={accept.isPending || accept.isSuccess}
        aria-disabled={accept.isPending || accept.isSuccess}
        onClick={() => accept.mutate({ token })}
        data-testid="accept-invite"
      >
        {accept.isPending || accept.isSuccess ? t('accepting') : t('accept')}
      </Button>
    </div>
  );
}

/** Signs out here and opens sign-in, coming back to this invitation afterwards. */
export function SwitchAccountButton({ returnTo }: { returnTo: string }) {
  const t = useTranslations('invite');
  const signOut = useSignOut(returnTo);
  return (
    <Button type="button" variant="outline" disabled={signOut.isPending} onClick={() => signOut.mutate()} data-testid="switch-account">
      {signOut.isPending ? t('signingOut') : t('signOut')}
    </Button>
  );
}
