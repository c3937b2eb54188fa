/**
 * Which live socket carries the badge's `{type:'notifications'}` frames on this page (COLLAB-7).
 * The sidecar sends them to every socket of the user: a workspace page already has one (the
 * workspace live layer, which registers here while mounted), so the bell opens its own user-level
 * socket only when there is none — one socket per tab either way.
 */
let workspaceSockets = 0;
const listeners = new Set<() => void>();

/** Called by the workspace live layer while its socket exists; returns the release. */
export function registerWorkspaceSocket(): () => void {
  workspaceSockets += 1;
  for (const l of listeners) l();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    workspaceSockets -= 1;
    for (const l of listeners) l();
  };
}

export function subscribeWorkspaceSockets(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export const hasWorkspaceSocket = (): boolean => workspaceSockets > 0;
