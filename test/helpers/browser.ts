import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, installed here when missing and installable; undefined (the caller says so loudly) when it cannot be had. */
export function findChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  spawnSync('sh', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || sudo -n apt-get install -y -qq chromium >/dev/null 2>&1'], { timeout: 600_000 });
  return existsSync(CHROMIUM) ? CHROMIUM : undefined;
}

/** The flags this machine's closed network needs: no background connections, no first-run work. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
