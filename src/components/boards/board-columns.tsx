'use client';
/**
 * The kanban view (COLLAB-1): one column per status, cards in fractional-index order.
 *  - Drag and drop with @dnd-kit: drop on a card puts the dragged one above or below it (by the
 *    pointer's half), drop on a column's free space puts it last. A mouse (or pen) drags after 6 px;
 *    a finger after a 200 ms press, so a swipe over the cards still scrolls the page. (Not the
 *    PointerSensor: with it a finger never picked a card up — e2e/mobile-board.spec.ts.)
 *  - Keyboard: every card is focusable; Enter opens it, Alt+↑/↓ moves it within its column,
 *    Alt+←/→ to the neighbouring column; each move is announced in a live region.
 */
import {
  DndContext,
  DragOverlay,
  MouseSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { Plus } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useId, useState, type KeyboardEvent } from 'react';
import { BOARD_COLUMNS, columnOf, type TaskStatus, type ViewTask } from '@/lib/boards/board-model';
import type { PresenceEntry } from '@/lib/realtime-protocol';
import { cn } from '@/lib/utils';
import { TaskCardBody } from './task-card';

export interface BoardColumnsProps {
  tasks: readonly ViewTask[];
  canEdit: boolean;
  canCreate: boolean;
  meId: string;
  presence: readonly PresenceEntry[];
  nameOf: (userId: string | null) => string | null;
  onOpen: (taskId: string) => void;
  onMove: (taskId: string, status: TaskStatus, index: number) => void;
  onCreate: (title: string, status: TaskStatus) => void;
}

const NO_EDITORS: PresenceEntry[] = [];

/** Cards first (the pointer is over a card), then columns; never the dragged card itself. */
const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args).filter((hit) => hit.id !== `card:${String(args.active.id)}`);
  const card = hits.find((hit) => String(hit.id).startsWith('card:'));
  if (card) return [card];
  return hits.length > 0 ? hits : rectIntersection(args);
};

export function BoardColumns(props: BoardColumnsProps) {
  const t = useTranslations('board');
  const [dragging, setDragging] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
  );
  const columns = BOARD_COLUMNS.map((status) => ({ status, cards: columnOf(props.tasks, status) }));

  function announceMove(taskId: string, status: TaskStatus, index: number) {
    const task = props.tasks.find((x) => x.id === taskId);
    const total = columnOf(props.tasks, status).filter((x) => x.id !== taskId).length + 1;
    setAnnouncement(t('moved', { title: task?.title ?? '', column: t(`columns.${status}`), position: index + 1, total }));
  }

  function move(taskId: string, status: TaskStatus, index: number) {
    props.onMove(taskId, status, index);
    announceMove(taskId, status, index);
  }

  function onDragEnd(event: DragEndEvent) {
    setDragging(null);
    const { active, over } = event;
    if (!over) return;
    const taskId = String(active.id);
    const target = String(over.id);
    if (target.startsWith('column:')) {
      const status = target.slice('column:'.length) as TaskStatus;
      return move(taskId, status, columnOf(props.tasks, status).filter((x) => x.id !== taskId).length);
    }
    const overTask = props.tasks.find((x) => `card:${x.id}` === target);
    if (!overTask) return;
    const column = columnOf(props.tasks, overTask.status).filter((x) => x.id !== taskId);
    const translated = active.rect.current.translated;
    const below = translated ? translated.top + translated.height / 2 > over.rect.top + over.rect.height / 2 : false;
    move(taskId, overTask.status, column.findIndex((x) => x.id === overTask.id) + (below ? 1 : 0));
  }

  function onCardKey(event: KeyboardEvent, task: ViewTask) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      return props.onOpen(task.id);
    }
    if (!event.altKey || !props.canEdit) return;
    const column = columnOf(props.tasks, task.status);
    const index = column.findIndex((x) => x.id === task.id);
    const at = BOARD_COLUMNS.indexOf(task.status);
    let target: { status: TaskStatus; index: number } | null = null;
    if (event.key === 'ArrowUp' && index > 0) target = { status: task.status, index: index - 1 };
    if (event.key === 'ArrowDown' && index < column.length - 1) target = { status: task.status, index: index + 1 };
    if (event.key === 'ArrowLeft' && at > 0) target = { status: BOARD_COLUMNS[at - 1] as TaskStatus, index };
    if (event.key === 'ArrowRight' && at < BOARD_COLUMNS.length - 1) target = { status: BOARD_COLUMNS[at + 1] as TaskStatus, index };
    if (!target) return;
    event.preventDefault();
    move(task.id, target.status, target.index);
    // The card re-renders in its new place; keep the keyboard on it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-task-id="${task.id}"]`)?.focus());
  }

  const active = dragging ? props.tasks.find((x) => x.id === dragging) : undefined;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisions}
      onDragStart={(event: DragStartEvent) => setDragging(String(event.active.id))}
      onDragCancel={() => setDragging(null)}
      onDragEnd={onDragEnd}
      accessibility={{ screenReaderInstructions: { draggable: t('dragInstructions') } }}
    >
      <p className="sr-only" id="board-keyboard-help">
        {t('keyboardHelp')}
      </p>
      <div aria-live="polite" className="sr-only" data-testid="board-announcer">
        {announcement}
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        {columns.map(({ status, cards }) => (
          <Column key={status} status={status} count={cards.length} canCreate={props.canCreate} onCreate={props.onCreate}>
            {cards.map((task) => {
              const editors = props.presence.filter((p) => p.editingTaskId === task.id && p.userId !== props.meId);
              return (
                <Card
                  key={task.id}
                  task={task}
                  canEdit={props.canEdit}
                  hidden={dragging === task.id}
                  assignee={props.nameOf(task.assigneeId)}
                  editors={editors.length > 0 ? editors : NO_EDITORS}
                  onOpen={() => props.onOpen(task.id)}
                  onKeyDown={(event) => onCardKey(event, task)}
                />
              );
            })}
          </Column>
        ))}
      </div>
      <DragOverlay dropAnimation={null}>
        {active && (
          <div className="rotate-2 cursor-grabbing rounded-md border border-border bg-background p-3 shadow-xl">
            <TaskCardBody task={active} assignee={props.nameOf(active.assigneeId)} editors={[]} />
          </div>
        )}
      </DragOverlay>
    </DndContext>
  );
}

function Column({ status, count, canCreate, onCreate, children }: { status: TaskStatus; count: number; canCreate: boolean; onCreate: (title: string, status: TaskStatus) => void; children: React.ReactNode }) {
  const t = useTranslations('board');
  const { setNodeRef, isOver } = useDroppable({ id: `column:${status}` });
  const headingId = useId();
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      data-testid="board-column"
      data-status={status}
      className={cn('flex min-h-48 flex-col rounded-lg bg-muted/50 p-2 transition-colors', isOver && 'bg-primary/10')}
    >
      <h2 id={headingId} className="flex items-center justify-between px-1 pb-2 text-sm font-semibold">
        {t(`columns.${status}`)}
        <span className="rounded-full bg-background px-2 text-xs font-normal text-muted-foreground" aria-label={t('taskCount', { count })}>
          {count}
        </span>
      </h2>
      <ul className="flex flex-1 flex-col gap-2">{children}</ul>
      {canCreate && <QuickAdd status={status} onCreate={onCreate} />}
    </section>
  );
}

function Card({
  task,
  canEdit,
  hidden,
  assignee,
  editors,
  onOpen,
  onKeyDown,
}: {
  task: ViewTask;
  canEdit: boolean;
  hidden: boolean;
  assignee: string | null;
  editors: PresenceEntry[];
  onOpen: () => void;
  onKeyDown: (event: KeyboardEvent) => void;
}) {
  const drag = useDraggable({ id: task.id, disabled: !canEdit });
  const drop = useDroppable({ id: `card:${task.id}`, disabled: !canEdit });
  return (
    <li
      ref={(node) => {
        drag.setNodeRef(node);
        drop.setNodeRef(node);
      }}
      {...drag.listeners}
      {...drag.attributes}
      role="button"
      tabIndex={0}
      aria-describedby="board-keyboard-help"
      aria-roledescription={undefined}
      data-testid="task-card"
      data-task-id={task.id}
      data-pending={task.pending || undefined}
      onClick={onOpen}
      onKeyDown={(event) => {
        onKeyDown(event);
        if (!event.defaultPrevented) drag.listeners?.onKeyDown?.(event);
      }}
      className={cn(
        'cursor-pointer touch-manipulation rounded-md border border-border bg-background p-3 shadow-sm outline-none transition-shadow hover:shadow focus-visible:ring-2 focus-visible:ring-ring',
        hidden && 'opacity-40',
        task.pending && 'border-dashed',
        drop.isOver && 'ring-2 ring-primary/40',
      )}
    >
      <TaskCardBody task={task} assignee={assignee} editors={editors} />
    </li>
  );
}

function QuickAdd({ status, onCreate }: { status: TaskStatus; onCreate: (title: string, status: TaskStatus) => void }) {
  const t = useTranslations('board');
  const [title, setTitle] = useState('');
  const [open, setOpen] = useState(false);
  const inputId = useId();
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="mt-2 flex items-center gap-1 rounded-md px-2 py-1.5 text-sm text-muted-foreground hover:bg-background hover:text-foreground">
        <Plus className="h-4 w-4" aria-hidden />
        {t('addTask')}
      </button>
    );
  }
  return (
    <form
      className="mt-2"
      onSubmit={(event) => {
        event.preventDefault();
        const value = title.trim();
        if (!value) return;
        onCreate(value.slice(0, 500), status);
        setTitle('');
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        {t('newTaskIn', { column: t(`columns.${status}`) })}
      </label>
      <input
        id={inputId}
        autoFocus
        value={title}
        maxLength={500}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}
        onBlur={() => !title.trim() && setOpen(false)}
        placeholder={t('newTaskPlaceholder')}
        className="h-9 w-full rounded-md border border-border bg-background px-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring"
      />
    </form>
  );
}
