'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { useTRPC } from '@/lib/trpc/client';

/**
 * The workspace's members (paged), shared by the members page, project members and the live layer's
 * names. A module of its own so that every workspace page (through workspace-live.tsx) does not load
 * the members settings UI with it (PERF-3, ADR 0016).
 */
export function useMemberList() {
  const trpc = useTRPC();
  const { workspaceSlug } = useWorkspaceRole();
  return useInfiniteQuery(trpc.member.list.infiniteQueryOptions({ workspaceSlug }, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
}
