'use client';
/** Who is on this board right now (COLLAB-3 presence): one avatar per person, with what they are editing. */
import { useTranslations } from 'next-intl';
import type { PresenceEntry } from '@/lib/realtime-protocol';
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

/** Presence entries grouped per user (several tabs of one person show once). */
export function peopleOf(entries: readonly PresenceEntry[]): { userId: string; name: string; editingTaskId: string | null }[] {
  const people = new Map<string, { userId: string; name: string; editingTaskId: string | null }>();
  for (const entry of entries) {
    const existing = people.get(entry.userId);
    people.set(entry.userId, { userId: entry.userId, name: entry.name ?? '?', editingTaskId: existing?.editingTaskId ?? entry.editingTaskId });
  }
  return [...people.values()];
}

export function PresenceBar({ entries, meId, titleOf }: { entries: readonly PresenceEntry[]; meId: string; titleOf: (taskId: string) => string | undefined }) {
  const t = useTranslations('board');
  const people = peopleOf(entries);
  if (people.length === 0) return null;
  return (
    <div className="flex items-center -space-x-1.5" aria-label={t('presence.label', { count: people.length })} role="group" data-testid="presence">
      {people.map((person) => {
        const editing = person.editingTaskId ? titleOf(person.editingTaskId) : undefined;
        const name = person.userId === meId ? t('presence.you', { name: person.name }) : person.name;
        return (
          <span key={person.userId} data-testid="presence-avatar" data-user-id={person.userId} className="rounded-full ring-2 ring-background">
            <Avatar name={person.name} label={editing ? t('presence.editing', { name, task: editing }) : name} />
          </span>
        );
      })}
    </div>
  );
}
