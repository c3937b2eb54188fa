/**
 * The permission registry (TEN-2): resource × action, and which workspace roles hold each.
 * Read by the server (`workspaceProcedure('<permission>')`) and by the UI (`useCan`), so what
 * the interface hides and what the server refuses cannot drift apart.
 */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const VIEWER = ['workspace:read', 'member:read'] as const;
const MEMBER = [...VIEWER, 'workspace:leave'] as const;
const ADMIN = [...MEMBER, 'workspace:update'] as const;
const OWNER = [...ADMIN, 'workspace:delete'] as const;

export type Permission = (typeof OWNER)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: OWNER,
  admin: ADMIN,
  member: MEMBER,
  viewer: VIEWER,
};

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].includes(permission) : false;
}
