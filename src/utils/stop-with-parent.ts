/**
 * For a process a script started over an IPC channel (`npm run demo`, `npm run cluster`): when
 * that script dies, however it died (even SIGKILL), the channel closes and `stop` runs — the
 * caller's SIGTERM path. Without a channel (`npm start`, systemd, a container) nothing happens.
 */
export function stopWithParent(stop: () => void): void {
  if (!process.send) return;
  // It may have gone while this process was starting.
  if (!process.connected) stop();
  else process.once('disconnect', stop);
}
