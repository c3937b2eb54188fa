'use client';
/**
 * Who is on this board right now (COLLAB-3 presence): one avatar per person (the sidecar sends one
 * entry per user), with what they are editing; you first, then up to MAX_AVATARS, then "+N more"
 * (the room's count: big rooms send only the first people, ADR 0015).
 */
import { useTranslations } from 'next-intl';
import { presenceView, type RoomPresence } from '@/lib/realtime/room-presence';
import { cn } from '@/lib/utils';

const COLOURS = ['bg-sky-600', 'bg-emerald-600', 'bg-violet-600', 'bg-rose-600', 'bg-amber-600', 'bg-teal-600'];

function colourOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length] as string;
}

export function initials(name: string): string {
  const parts = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

export function Avatar({ name, size = 'md', label }: { name: string; size?: 'sm' | 'md'; label?: string }) {
  return (
    <span
      role="img"
      aria-label={label ?? name}
      title={label ?? name}
      className={cn('inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold text-white', colourOf(name), size === 'sm' ? 'h-5 w-5 text-[9px]' : 'h-8 w-8 text-xs')}
    >
      {initials(name)}
    </span>
  );
}

/** How many avatars the bar shows; the rest of the room is "+N more". */
const MAX_AVATARS = 8;

export function PresenceBar({ room, meId, titleOf }: { room: RoomPresence; meId: string; titleOf: (taskId: string) => string | undefined }) {
  const t = useTranslations('board');
  const { shown, more } = presenceView(room, meId, MAX_AVATARS);
  if (shown.length === 0 && more === 0) return null;
  const total = shown.length + more;
  return (
    <div className="flex items-center -space-x-1.5" aria-label={t('presence.label', { count: total })} role="group" data-testid="presence">
      {shown.map((person) => {
        const personName = person.name ?? '?';
        const editing = person.editingTaskId ? titleOf(person.editingTaskId) : undefined;
        const name = person.userId === meId ? t('presence.you', { name: personName }) : personName;
        return (
          <span key={person.userId} data-testid="presence-avatar" data-user-id={person.userId} className="rounded-full ring-2 ring-background">
            <Avatar name={personName} label={editing ? t('presence.editing', { name, task: editing }) : name} />
          </span>
        );
      })}
      {more > 0 && (
        <span
          data-testid="presence-more"
          title={t('presence.more', { count: more })}
          className="inline-flex h-8 min-w-8 items-center justify-center rounded-full bg-muted px-1.5 text-xs font-semibold text-muted-foreground ring-2 ring-background"
        >
          <span aria-hidden>{t('presence.moreShort', { count: more })}</span>
          <span className="sr-only">{t('presence.more', { count: more })}</span>
        </span>
      )}
    </div>
  );
}
