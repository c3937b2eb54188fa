'use client';
/**
 * The task dialog as a chunk of its own: markdown rendering (react-markdown, micromark, ≈ 38 KB gzip),
 * comments, activity and the Radix dialog are not needed to show a board (PERF-3, ADR 0016). A board
 * opened with ?task=… renders it on the server as before; otherwise it is fetched once the board is
 * idle (warmTaskDialog), so that opening a task works offline too.
 */
import dynamic from 'next/dynamic';
import { warmUp } from '@/lib/warm-up';

const load = () => import('./task-dialog');

export const TaskDialog = dynamic(() => load().then((m) => m.TaskDialog));

/** Fetches the dialog's chunk when the browser is idle; returns a cancel function (for an effect). */
export function warmTaskDialog(): () => void {
  return warmUp(load);
}
