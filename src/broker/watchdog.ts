import { spawn } from 'node:child_process';

/**
 * Makes an embedded nats-server go away with its owner, however the owner ends (a SIGKILL
 * included): a detached `sh` holds the read end of a pipe from this process and, when the pipe
 * closes (the kernel closes it as this process dies), kills the server named by its pid file and
 * removes its store. POSIX sh and a pipe: the same on Linux and macOS. After a normal stop the
 * store, and with it the pid file, is already gone, so the watchdog finds nothing to kill.
 */
export function watchOwner(dir: string, pidFile: string): { release(): void } {
  const script = 'read _ ; pid=$(cat "$1" 2>/dev/null) && kill -9 "$pid" 2>/dev/null ; rm -rf "$2"';
  const child = spawn('sh', ['-c', script, 'saga-sim-watchdog', pidFile, dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  // Neither the watchdog nor its pipe may keep this process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    release() {
      child.stdin?.end();
    },
  };
}
