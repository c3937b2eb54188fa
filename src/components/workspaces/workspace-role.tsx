'use client';
/**
 * The UI side of the permission registry: the workspace layout provides the member's role, and
 * `useCan` / `<Can>` hide what the role may not do. The server refuses the same things anyway
 * (src/lib/permissions.ts is read by both).
 */
import { createContext, useContext, type ReactNode } from 'react';
import { can, canOnResource, type Permission, type Role } from '@/lib/permissions';

interface WorkspaceRoleValue {
  role: Role;
  userId: string;
  workspaceSlug: string;
}

const WorkspaceRoleContext = createContext<WorkspaceRoleValue | null>(null);

export function WorkspaceRoleProvider({ value, children }: { value: WorkspaceRoleValue; children: ReactNode }) {
  return <WorkspaceRoleContext.Provider value={value}>{children}</WorkspaceRoleContext.Provider>;
}

export function useWorkspaceRole(): WorkspaceRoleValue {
  const value = useContext(WorkspaceRoleContext);
  if (!value) throw new Error('useWorkspaceRole outside a workspace (WorkspaceRoleProvider missing)');
  return value;
}

export function useCan(permission: Permission): boolean {
  return can(useWorkspaceRole().role, permission);
}

/** True when the signed-in member may update/delete a record, given who owns it. */
export function useCanOnResource(action: 'comment:update' | 'comment:delete', ownerId: string | null): boolean {
  const { role, userId } = useWorkspaceRole();
  return canOnResource(role, action, { ownerId }, userId);
}

export function Can({ permission, children, fallback = null }: { permission: Permission; children: ReactNode; fallback?: ReactNode }) {
  return useCan(permission) ? <>{children}</> : <>{fallback}</>;
}
