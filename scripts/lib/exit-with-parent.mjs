/**
 * Preloaded (`node --import ./scripts/lib/exit-with-parent.mjs …`) into the processes the launcher
 * supervises. A launcher killed with SIGKILL cannot stop its children, which run in their own
 * process groups; each notices that its parent is gone (its parent pid changes) within a second
 * and sends itself SIGTERM, so it shuts down the way it always does (the web server drains, the
 * sidecar closes its sockets with 1001). PostgreSQL is left to the next launcher (stale owner).
 *
 * Output errors (EPIPE: the launcher that read the pipes is gone) are ignored for the same reason.
 *
 * Inert unless KANSO_SUPERVISOR_PID names this process's parent: processes these children spawn
 * themselves (inheriting the variable) are not affected, nor is a process run by hand or systemd.
 */
const parent = process.ppid;
if (process.env.KANSO_SUPERVISOR_PID === String(parent)) {
  // Output goes through pipes to the launcher. Once it is gone, every write fails with EPIPE, and
  // an unhandled stream error logged to the same dead pipe fails again: an orphaned web server spun
  // at 100 % CPU and never finished its shutdown (the next launcher had to kill it after 15 s).
  // With nobody left to read, the output is dropped instead.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    console.error(`[kanso] ${process.pid}: the launcher (pid ${parent}) is gone; stopping`);
    process.kill(process.pid, 'SIGTERM');
  }, 1_000);
  timer.unref();
}
