'use client';
/**
 * Who sees a private project (COLLAB-1): its members joined with the workspace member list for
 * names; add and remove for workspace owners/admins and project admins (the server checks too).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useId, useState } from 'react';
import type { MemberItem } from '@/components/members/members-view';
import { useMemberList } from '@/components/members/use-member-list';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { Spinner } from '@/components/ui/spinner';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { useTRPC } from '@/lib/trpc/client';

/** The project's members and whether the viewer may change them. */
export function useProjectMembers(projectId: string) {
  const trpc = useTRPC();
  const { workspaceSlug, userId } = useWorkspaceRole();
  const workspaceAdmin = useCan('project:manage-members');
  const query = useQuery(trpc.project.listMembers.queryOptions({ workspaceSlug, projectId }));
  const projectAdmin = query.data?.some((member) => member.userId === userId && member.isAdmin) ?? false;
  return { query, canManage: workspaceAdmin || projectAdmin };
}

/** Every workspace member (all pages), for resolving names and picking people. */
export function useAllWorkspaceMembers() {
  const list = useMemberList();
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = list;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isFetchNextPageError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);
  const members: MemberItem[] = list.data?.pages.flatMap((page) => page.items) ?? [];
  return { list, members, byId: new Map(members.map((member) => [member.userId, member])) };
}

export function displayName(member: Pick<MemberItem, 'name' | 'email'> | undefined, fallback: string): string {
  return member ? member.name?.trim() || member.email : fallback;
}

export function ProjectMembers({ projectId }: { projectId: string }) {
  const t = useTranslations('projects.members');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { workspaceSlug, userId: me } = useWorkspaceRole();
  const { query, canManage } = useProjectMembers(projectId);
  const workspace = useAllWorkspaceMembers();
  const id = useId();
  const [selected, setSelected] = useState('');
  const [asAdmin, setAsAdmin] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.project.listMembers.queryKey({ workspaceSlug, projectId }) });

  const add = useMutation(
    trpc.project.addMember.mutationOptions({
      onSuccess: async (added) => {
        setSelected('');
        setAsAdmin(false);
        setNotice(t('added', { name: displayName(workspace.byId.get(added.userId), t('unknown')) }));
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.project.removeMember.mutationOptions({
      onSuccess: async (_result, variables) => {
        setNotice(t('removed', { name: displayName(workspace.byId.get(variables.userId), t('unknown')) }));
        await refresh();
      },
    }),
  );

  const heading = (
    <>
      <h2 className="font-semibold">{t('title')}</h2>
      <p className="mt-1 text-sm text-muted-foreground">{t('body')}</p>
    </>
  );
  if (query.isPending || workspace.list.isPending) {
    return (
      <section>
        {heading}
        <Spinner className="mt-4" label={tc('loading')} />
      </section>
    );
  }
  if (query.isError || workspace.list.isError) {
    return (
      <section>
        {heading}
        <Alert variant="error" className="mt-4 grid gap-2">
          <p>{t('loadError')}</p>
          <Button
            variant="outline"
            size="sm"
            className="justify-self-start"
            onClick={() => {
              void query.refetch();
              void workspace.list.refetch();
            }}
          >
            {tc('retry')}
          </Button>
        </Alert>
      </section>
    );
  }

  const inProject = new Set(query.data.map((member) => member.userId));
  const candidates = workspace.members.filter((member) => !inProject.has(member.userId));
  const error = add.error ?? remove.error;

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="font-semibold">
        {t('title')}
      </h2>
      <p className="mt-1 text-sm text-muted-foreground">{t('body')}</p>
      <div role="status" aria-live="polite" className="mt-3 empty:hidden">
        {notice ? <p className="text-sm text-success">{notice}</p> : null}
      </div>
      {query.data.length === 0 ? (
        <p className="mt-4 text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <ul className="mt-4 divide-y divide-border rounded-md border border-border" data-testid="project-members">
          {query.data.map((member) => {
            const info = workspace.byId.get(member.userId);
            const name = displayName(info, t('unknown'));
            return (
              <li key={member.userId} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm" data-testid="project-member-row" data-user-id={member.userId}>
                <span className="min-w-0 flex-1">
                  <span className="font-medium break-words">{info?.name?.trim() || info?.email || t('unknown')}</span>
                  {member.userId === me ? <span className="ml-1 text-muted-foreground">{t('you')}</span> : null}
                  {info?.name?.trim() ? <span className="block text-xs break-all text-muted-foreground">{info.email}</span> : null}
                </span>
                {member.isAdmin ? <span className="rounded-full border border-border px-2 py-0.5 text-xs text-muted-foreground">{t('admin')}</span> : null}
                {canManage ? (
                  <Button
                    variant="outline"
                    size="sm"
                    aria-label={t('removeLabel', { name: info?.email && info.name?.trim() ? `${name} (${info.email})` : name })}
                    disabled={remove.isPending}
                    onClick={() => {
                      setNotice(null);
                      add.reset();
                      remove.mutate({ workspaceSlug, projectId, userId: member.userId });
                    }}
                  >
                    {t('remove')}
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {canManage ? (
        candidates.length === 0 ? (
          <p className="mt-4 text-sm text-muted-foreground">{t('allAdded')}</p>
        ) : (
          <form
            method="post"
            className="mt-4 flex flex-wrap items-end gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              if (!selected) return;
              setNotice(null);
              remove.reset();
              add.mutate({ workspaceSlug, projectId, userId: selected, isAdmin: asAdmin });
            }}
          >
            <div className="grid min-w-56 flex-1 gap-1.5">
              <Label htmlFor={`${id}-add`}>{t('addLabel')}</Label>
              <Select id={`${id}-add`} value={selected} onChange={(event) => setSelected(event.target.value)} data-testid="project-member-add">
                <option value="">{t('addPlaceholder')}</option>
                {candidates.map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {member.name?.trim() ? `${member.name.trim()} (${member.email})` : member.email}
                  </option>
                ))}
              </Select>
            </div>
            <label className="flex h-10 items-center gap-2 text-sm">
              <input type="checkbox" checked={asAdmin} onChange={(event) => setAsAdmin(event.target.checked)} className="accent-primary" />
              {t('asAdmin')}
            </label>
            <Button type="submit" disabled={!selected || add.isPending}>
              {add.isPending ? t('adding') : t('add')}
            </Button>
          </form>
        )
      ) : (
        <p className="mt-4 text-sm text-muted-foreground">{t('readOnly')}</p>
      )}
      {error ? (
        <Alert variant="error" className="mt-3">
          {error.message}
        </Alert>
      ) : null}
    </section>
  );
}
