import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** The CLI tests run the real bin/saga-sim, which loads the built dist/; build it once, fresh. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
