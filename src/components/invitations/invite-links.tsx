'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Spinner } from '@/components/ui/spinner';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { INVITE_LINK_EXPIRY_DAYS, splitDomains } from '@/lib/invitations';
import { assignableRoles, type Role } from '@/lib/permissions';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import { RoleSelect, selectClass, useServerMessage } from './form-bits';
import { LoadError } from '@/components/ui/load-error';

/** The link just created: shown once (only its hash is stored), with a copy button. */
function NewLink({ url, onDone }: { url: string; onDone: () => void }) {
  const t = useTranslations('invitations.links');
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [url]);
  return (
    <div className="grid gap-2 rounded-md border border-success/50 p-4" data-testid="new-invite-link">
      <p role="status" className="text-sm text-success">
        {t('created')}
      </p>
      <Label htmlFor="new-invite-link-url">{t('url')}</Label>
      <div className="flex gap-2">
        <Input id="new-invite-link-url" ref={inputRef} readOnly value={url} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        <Button
          type="button"
          variant="outline"
          onClick={() => {
            navigator.clipboard.writeText(url).then(
              () => setCopy('copied'),
              () => setCopy('failed'),
            );
          }}
        >
          {t('copy')}
        </Button>
      </div>
      <p aria-live="polite" className="text-xs text-muted-foreground">
        {copy === 'copied' ? t('copied') : copy === 'failed' ? t('copyFailed') : ''}
      </p>
      <div>
        <Button type="button" variant="ghost" size="sm" onClick={onDone}>
          {t('dismiss')}
        </Button>
      </div>
    </div>
  );
}

/** Invite links: create (role, allowed domains, lifetime), list with uses, revoke. */
export function InviteLinks({ workspaceSlug }: { workspaceSlug: string }) {
  const t = useTranslations('invitations.links');
  const tc = useTranslations('common');
  const tRoles = useTranslations('workspace.roles');
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { role } = useWorkspaceRole();
  const roles = assignableRoles(role);
  const canInvite = useCan('member:invite');
  const canRevoke = useCan('invitation:revoke');
  const formRef = useRef<HTMLFormElement>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const listKey = trpc.invitation.listLinks.queryKey({ workspaceSlug });
  const list = useQuery(trpc.invitation.listLinks.queryOptions({ workspaceSlug }));
  const create = useMutation(
    trpc.invitation.createLink.mutationOptions({
      onSuccess: async ({ url }) => {
        setCreated(url);
        await queryClient.invalidateQueries({ queryKey: listKey });
      },
    }),
  );
  const revoke = useMutation(
    trpc.invitation.revokeLink.mutationOptions({
      onSuccess: async () => {
        setNotice(t('revoked'));
        await queryClient.invalidateQueries({ queryKey: listKey });
      },
    }),
  );
  const fieldErrors = fieldErrorsOf(create.error);
  const createMessage = useServerMessage(create.error);
  const revokeMessage = useServerMessage(revoke.error);
  const firstInvalid = Object.keys(fieldErrors)[0];
  useEffect(() => {
    if (!firstInvalid) return;
    const field = formRef.current?.elements.namedItem(firstInvalid === 'role' ? 'linkRole' : firstInvalid);
    if (field instanceof HTMLElement) field.focus();
  }, [firstInvalid, create.error]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const expiry = String(data.get('expiresInDays') ?? '');
    setCreated(null);
    setNotice(null);
    const input = {
      workspaceSlug,
      role: String(data.get('linkRole') ?? '') as Role,
      allowedDomains: splitDomains(String(data.get('allowedDomains') ?? '')),
      expiresInDays: expiry ? Number(expiry) : null,
    };
    create.mutate(input, { onSuccess: () => form.reset() });
  };

  return (
    <div className="mt-4 grid gap-4">
      {canInvite ? (
        <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="invite-link-form" aria-label={t('title')}>
          {createMessage && !firstInvalid ? <Alert variant="error">{createMessage}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <RoleSelect id="linkRole" label={t('role')} roles={roles} defaultValue={roles.includes('member') ? 'member' : roles[0]} error={fieldErrors.role} />
            <div className="grid gap-1.5">
              <Label htmlFor="expiresInDays">{t('expiry')}</Label>
              <select id="expiresInDays" name="expiresInDays" className={selectClass} defaultValue="">
                <option value="">{t('expiryNever')}</option>
                {INVITE_LINK_EXPIRY_DAYS.map((days) => (
                  <option key={days} value={days}>
                    {t('expiryDays', { days })}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <FormField
            id="allowedDomains"
            label={t('domains')}
            hint={t('domainsHint')}
            placeholder="example.com"
            autoComplete="off"
            spellCheck={false}
            error={fieldErrors.allowedDomains}
          />
          <div>
            <Button type="submit" disabled={create.isPending} aria-disabled={create.isPending}>
              {create.isPending ? t('creating') : t('create')}
            </Button>
          </div>
        </form>
      ) : null}

      {created ? <NewLink url={created} onDone={() => setCreated(null)} /> : null}
      {notice ? <Alert variant="success">{notice}</Alert> : null}
      {revokeMessage ? <Alert variant="error">{revokeMessage}</Alert> : null}

      {list.isPending ? (
        <Spinner label={tc('loading')} />
      ) : list.isError ? (
        <LoadError message={t('loadError')} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border p-6 text-center text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <ul className="divide-y divide-border rounded-lg border border-border" aria-label={t('caption')} data-testid="invite-links">
          {list.data.map((link) => {
            const created = format.dateTime(new Date(link.createdAt), { dateStyle: 'medium' });
            const revoking = revoke.isPending && revoke.variables?.linkId === link.id;
            return (
              <li key={link.id} className="flex flex-wrap items-center gap-3 p-3" data-testid="invite-link-row">
                <div className="min-w-0 flex-1 text-sm">
                  <p className="font-medium">
                    {tRoles(link.role)} ·{' '}
                    {link.allowedDomains.length > 0 ? t('onlyDomains', { domains: link.allowedDomains.join(', ') }) : t('anyDomain')}
                  </p>
                  <p className="text-xs text-muted-foreground">
                    {t('uses', { count: link.uses })} ·{' '}
                    {link.status === 'expired' ? (
                      <span className="text-destructive">{t('expired')}</span>
                    ) : link.expiresAt ? (
                      t('expires', { date: format.dateTime(new Date(link.expiresAt), { dateStyle: 'medium' }) })
                    ) : (
                      t('noExpiry')
                    )}
                    {link.createdBy ? <> · {t('createdBy', { name: link.createdBy.name ?? link.createdBy.email, date: created })}</> : null}
                  </p>
                </div>
                {canRevoke ? (
                  <Button
                    variant="outline"
                    size="sm"
                    disabled={revoking}
                    aria-label={t('revokeLabel', { role: tRoles(link.role), date: created })}
                    onClick={() => {
                      setNotice(null);
                      revoke.mutate({ workspaceSlug, linkId: link.id });
                    }}
                  >
                    {revoking ? t('revoking') : t('revoke')}
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
