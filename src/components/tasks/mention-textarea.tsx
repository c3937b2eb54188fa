'use client';
/**
 * A textarea with an @mention picker (COLLAB-7): typing `@` (at the start or after a space) opens a
 * list of the workspace's members, filtered by what follows; ↑/↓ move, Enter or Tab inserts the
 * stable token `@[Name](user:<id>)` (src/lib/mentions.ts), Escape closes the list (not the dialog
 * around it). The textarea stays the focus (aria-activedescendant points into the listbox).
 * Light on purpose: no editor library, the members come from the workspace's cached list.
 */
import { useTranslations } from 'next-intl';
import { useId, useMemo, useRef, useState, type ComponentProps, type KeyboardEvent } from 'react';
import { useMemberList } from '@/components/members/use-member-list';
import { mentionQueryAt, mentionToken } from '@/lib/mentions';
import { cn } from '@/lib/utils';

const SHOWN = 8;

type Props = Omit<ComponentProps<'textarea'>, 'value' | 'onChange'> & {
  value: string;
  onValueChange: (value: string) => void;
};

export function MentionTextarea({ value, onValueChange, onKeyDown, className, ...props }: Props) {
  const t = useTranslations('mentions');
  const listId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const members = useMemberList();
  const [trigger, setTrigger] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);

  const matches = useMemo(() => {
    if (!trigger) return [];
    const q = trigger.query.toLowerCase();
    const all = (members.data?.pages ?? []).flatMap((p) => p.items);
    return all.filter((m) => (m.name ?? '').toLowerCase().includes(q) || m.email.toLowerCase().includes(q)).slice(0, SHOWN);
  }, [members.data, trigger]);
  const open = trigger !== null;

  const track = (text: string, caret: number | null) => {
    const next = caret === null ? null : mentionQueryAt(text, caret);
    setTrigger(next);
    if (next?.query !== trigger?.query) setActive(0);
  };

  const choose = (member: { userId: string; name: string | null; email: string }) => {
    if (!trigger) return;
    const caret = ref.current?.selectionStart ?? value.length;
    const token = `${mentionToken(member.name || member.email.split('@')[0]!, member.userId)} `;
    const next = value.slice(0, trigger.start) + token + value.slice(caret);
    onValueChange(next);
    setTrigger(null);
    const at = trigger.start + token.length;
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(at, at);
    });
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setTrigger(null);
        return;
      }
      if (matches.length > 0) {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
          return;
        }
        if ((event.key === 'Enter' && !event.metaKey && !event.ctrlKey) || event.key === 'Tab') {
          event.preventDefault();
          choose(matches[Math.min(active, matches.length - 1)]!);
          return;
        }
      }
    }
    onKeyDown?.(event);
  };

  const optionId = (i: number) => `${listId}-option-${i}`;
  return (
    <div className="relative">
      <textarea
        {...props}
        ref={ref}
        value={value}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open && matches.length > 0 ? optionId(Math.min(active, matches.length - 1)) : undefined}
        onChange={(event) => {
          onValueChange(event.target.value);
          track(event.target.value, event.target.selectionStart);
        }}
        onSelect={(event) => track(event.currentTarget.value, event.currentTarget.selectionStart)}
        onBlur={() => setTrigger(null)}
        onKeyDown={keyDown}
        className={cn(
          'flex min-h-20 w-full rounded-md border border-border bg-background px-3 py-2 text-sm placeholder:text-muted-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none disabled:opacity-50 aria-[invalid=true]:border-destructive',
          className,
        )}
      />
      {open && (
        <ul
          id={listId}
          role="listbox"
          aria-label={t('listLabel')}
          data-testid="mention-picker"
          className="absolute left-0 z-50 mt-1 max-h-64 w-full max-w-sm overflow-auto rounded-md border border-border bg-background p-1 text-sm shadow-lg"
        >
          {matches.length === 0 ? (
            <li role="option" aria-selected={false} aria-disabled className="px-2 py-1.5 text-muted-foreground">
              {t('noMatches', { query: trigger.query })}
            </li>
          ) : (
            matches.map((m, i) => (
              <li
                key={m.userId}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={cn('cursor-pointer rounded px-2 py-1.5', i === active && 'bg-muted')}
                // mousedown, not click: the textarea keeps its focus and caret.
                onMouseDown={(event) => {
                  event.preventDefault();
                  choose(m);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <span className="block truncate font-medium">{m.name || m.email}</span>
                {m.name && <span className="block truncate text-xs text-muted-foreground">{m.email}</span>}
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}
