'use client';
/**
 * Members settings (TEN-1, TEN-2): the member table for everyone; role select and remove only on
 * the rows the viewer may manage (the same rules as the server: src/lib/permissions.ts); leave and
 * transfer ownership below. The server refuses the same things anyway.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import { useId, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { assignableRoles, canManageMember, ROLES, type Role } from '@/lib/permissions';
import { useTRPC } from '@/lib/trpc/client';
import { LeaveWorkspace } from './leave-workspace';
import { TransferOwnership } from './transfer-ownership';
import { LoadError } from '@/components/ui/load-error';
import { useMemberList } from './use-member-list';

export interface MemberItem {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  /** ISO-8601 (ADR 0013). */
  joinedAt: string;
}

export { useMemberList };

export function MembersView({ workspaceName }: { workspaceName: string }) {
  const t = useTranslations('members');
  const tc = useTranslations('common');
  const { role: myRole, userId: me } = useWorkspaceRole();
  const canUpdate = useCan('member:update');
  const canRemove = useCan('member:remove');
  const list = useMemberList();
  // One polite live region for every success message on the page.
  const [notice, setNotice] = useState<string | null>(null);

  if (list.isPending) return <Spinner className="mt-6" label={tc('loading')} />;
  if (list.isError) {
    return (
      <LoadError className="mt-6" message={t('loadError')} onRetry={() => void list.refetch()} />
    );
  }

  const first = list.data.pages[0];
  const members = list.data.pages.flatMap((page) => page.items);
  const ownerCount = first?.ownerCount ?? 0;
  const total = first?.total ?? members.length;
  const isLastOwner = (member: MemberItem) => member.role === 'owner' && ownerCount <= 1;
  const manageable = (member: MemberItem) => member.userId !== me && canManageMember(myRole, member.role) && !isLastOwner(member);

  return (
    <div className="mt-6 grid gap-6">
      {/* Always mounted, so screen readers announce what is put into it (no nested live regions). */}
      <div role="status" aria-live="polite" className="empty:hidden">
        {notice ? <p className="rounded-md border border-success/50 px-4 py-3 text-sm text-success">{notice}</p> : null}
      </div>
      {!canUpdate && !canRemove ? <p className="text-sm text-muted-foreground">{t('readOnly')}</p> : null}
      {members.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-border">
          <table className="w-full text-left text-sm" data-testid="members-table">
            <caption className="sr-only">
              {t('caption', { workspace: workspaceName })} · {t('count', { count: total })}
            </caption>
            <thead className="border-b border-border bg-muted/50 text-xs text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('name')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('email')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('role')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t('joined')}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">{t('actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {members.map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  isMe={member.userId === me}
                  workspaceName={workspaceName}
                  roleOptions={canUpdate && manageable(member) ? roleOptions(myRole, member.role) : null}
                  removable={canRemove && manageable(member)}
                  onNotice={setNotice}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage ? (
        <Button variant="outline" size="sm" className="justify-self-start" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {list.isFetchingNextPage ? t('loadingMore') : t('loadMore')}
        </Button>
      ) : null}
      {list.isFetchNextPageError ? <Alert variant="error">{t('loadError')}</Alert> : null}
      <TransferOwnership workspaceName={workspaceName} members={members} onNotice={setNotice} />
      <LeaveWorkspace workspaceName={workspaceName} lastOwner={myRole === 'owner' && ownerCount <= 1} />
    </div>
  );
}

/** The roles the viewer may pick for a member: their current one plus what the viewer may grant. */
function roleOptions(actor: Role, current: Role): Role[] {
  const allowed = new Set<Role>([current, ...assignableRoles(actor)]);
  return ROLES.filter((role) => allowed.has(role));
}

function MemberRow({
  member,
  isMe,
  workspaceName,
  roleOptions: options,
  removable,
  onNotice,
}: {
  member: MemberItem;
  isMe: boolean;
  workspaceName: string;
  roleOptions: Role[] | null;
  removable: boolean;
  onNotice: (message: string | null) => void;
}) {
  const t = useTranslations('members');
  const tr = useTranslations('workspace.roles');
  const tc = useTranslations('common');
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { workspaceSlug } = useWorkspaceRole();
  const id = useId();
  const removeButton = useRef<HTMLButtonElement>(null);
  const [role, setRole] = useState<Role>(member.role);
  const [confirming, setConfirming] = useState(false);
  const name = member.name?.trim() || member.email;
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.member.list.infiniteQueryKey({ workspaceSlug }) });

  const changeRole = useMutation(
    trpc.member.changeRole.mutationOptions({
      onSuccess: async (result) => {
        onNotice(t('roleChanged', { name, role: tr(result.to) }));
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.member.remove.mutationOptions({
      onSuccess: async () => {
        onNotice(t('removed', { name }));
        await refresh();
      },
    }),
  );
  const error = changeRole.error ?? remove.error;

  return (
    <tr data-testid="member-row" data-user-id={member.userId} className="align-top">
      <td className="px-3 py-3 font-medium">
        {member.name?.trim() || <span className="text-muted-foreground">{t('noName')}</span>}
        {isMe ? <span className="ml-1 font-normal text-muted-foreground">{t('you')}</span> : null}
      </td>
      <td className="px-3 py-3 break-all">{member.email}</td>
      <td className="px-3 py-3">
        {options ? (
          <form
            method="post"
            className="flex flex-wrap items-center gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              onNotice(null);
              changeRole.mutate({ workspaceSlug, userId: member.userId, role });
            }}
          >
            <label htmlFor={`${id}-role`} className="sr-only">
              {t('roleLabel', { name })}
            </label>
            <select
              id={`${id}-role`}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
              className="h-8 rounded-md border border-border bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              data-testid="member-role-select"
            >
              {options.map((option) => (
                <option key={option} value={option}>
                  {tr(option)}
                </option>
              ))}
            </select>
            {role !== member.role ? (
              <Button type="submit" size="sm" disabled={changeRole.isPending} aria-label={t('applyRoleLabel', { name })}>
                {changeRole.isPending ? t('changingRole') : t('applyRole')}
              </Button>
            ) : null}
          </form>
        ) : (
          <span data-testid="member-role">{tr(member.role)}</span>
        )}
      </td>
      <td className="px-3 py-3 whitespace-nowrap">
        <time dateTime={member.joinedAt}>{format.dateTime(new Date(member.joinedAt), { dateStyle: 'medium' })}</time>
      </td>
      <td className="px-3 py-3 text-right">
        {removable ? (
          confirming ? (
            <div role="group" aria-labelledby={`${id}-confirm`} className="grid justify-items-end gap-2">
              <p id={`${id}-confirm`} className="max-w-64 text-left text-sm">
                {t('removeConfirm', { name, workspace: workspaceName })}
              </p>
              <div className="flex gap-2">
                <Button
                  variant="destructive"
                  size="sm"
                  autoFocus
                  disabled={remove.isPending}
                  onClick={() => {
                    onNotice(null);
                    remove.mutate({ workspaceSlug, userId: member.userId });
                  }}
                >
                  {remove.isPending ? t('removing') : t('removeConfirmButton')}
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => {
                    setConfirming(false);
                    // Back to where the keyboard user was.
                    requestAnimationFrame(() => removeButton.current?.focus());
                  }}
                >
                  {tc('cancel')}
                </Button>
              </div>
            </div>
          ) : (
            <Button ref={removeButton} variant="outline" size="sm" aria-label={t('removeLabel', { name })} onClick={() => setConfirming(true)}>
              {t('remove')}
            </Button>
          )
        ) : null}
        {error ? (
          <Alert variant="error" className="mt-2 text-left">
            {error.message}
          </Alert>
        ) : null}
      </td>
    </tr>
  );
}
