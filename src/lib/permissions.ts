/**
 * The permission registry (TEN-2): resource × action, and which workspace roles hold each.
 * Read by the server (`workspaceProcedure('<permission>')`) and by the UI (`useCan` / `<Can>`),
 * so what the interface hides and what the server refuses cannot drift apart.
 *
 * Resource-level rules ("a member edits their own comments") are permissions too: `comment:update:own`
 * and `comment:update:all`; `canOnResource` picks the right one for a given record.
 */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Higher outranks lower: nobody grants or manages a role above their own. */
export const ROLE_RANK: Record<Role, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

// Everyone may leave a workspace (the last owner is refused by the member service, not here).
const VIEWER = ['workspace:read', 'workspace:leave', 'member:read', 'project:read', 'task:read', 'comment:read'] as const;
const MEMBER = [
  ...VIEWER,
  'project:create',
  'project:update',
  'task:create',
  'task:update',
  'task:delete',
  'comment:create',
  'comment:update:own',
  'comment:delete:own',
] as const;
const ADMIN = [
  ...MEMBER,
  'workspace:update',
  'member:invite',
  'member:update',
  'member:remove',
  'invitation:read',
  'invitation:revoke',
  'audit:read',
  'project:delete',
  'project:manage-members',
  'comment:update:all',
  'comment:delete:all',
  'webhook:manage',
] as const;
const OWNER = [...ADMIN, 'workspace:delete', 'workspace:transfer'] as const;

export type Permission = (typeof OWNER)[number];
export const PERMISSIONS: readonly Permission[] = OWNER;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: OWNER,
  admin: ADMIN,
  member: MEMBER,
  viewer: VIEWER,
};

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].includes(permission) : false;
}

type OwnedAction = 'comment:update' | 'comment:delete';

/** Resource-level check: `:own` applies when the actor owns the record, `:all` otherwise. */
export function canOnResource(role: Role | null | undefined, action: OwnedAction, resource: { ownerId: string | null }, actorId: string): boolean {
  const own = resource.ownerId !== null && resource.ownerId === actorId;
  return can(role, `${action}:all`) || (own && can(role, `${action}:own`));
}

/** Roles `actor` may grant (invite with, or change someone to): never above their own, never owner. */
export function assignableRoles(actor: Role): Role[] {
  return ROLES.filter((r) => r !== 'owner' && ROLE_RANK[r] <= ROLE_RANK[actor]);
}

/**
 * Whether `actor` may change or remove a member who holds `target`: never someone above their own
 * rank (so only owners touch owners). What they may change them TO is `assignableRoles(actor)`.
 */
export function canManageMember(actor: Role, target: Role): boolean {
  return ROLE_RANK[target] <= ROLE_RANK[actor];
}
