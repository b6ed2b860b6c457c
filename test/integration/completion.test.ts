import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, root } from '../helpers/cli.js';

/** What bash completes for these words, with the script saga-sim printed loaded. */
function complete(script: string, words: string[]): string[] {
  const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _saga_sim; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', line], { cwd: root, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('saga-sim completion', () => {
  it('bash completes commands, a command\'s flags, a flag\'s values and scenario files', async () => {
    const { code, stdout } = await cli(['completion', 'bash']);
    expect(code).toBe(0);
    expect(complete(stdout, ['saga-sim', 'sw'])).toEqual(['sweep']);
    expect(complete(stdout, ['saga-sim', 'run', '--ra'])).toEqual(['--rate']);
    expect(complete(stdout, ['saga-sim', 'bench', '--state', ''])).toEqual(['kv', 'memory', 'postgres']);
    expect(complete(stdout, ['saga-sim', 'run', 'scenarios/mixed-'])).toEqual(['scenarios/mixed-90.yaml']);
  });

  it('zsh and fish get scripts naming every command and flag value', async () => {
    const zsh = await cli(['completion', 'zsh']);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -o filenames -F _saga_sim saga-sim');
    const fish = await cli(['completion', 'fish']);
    for (const command of ['run', 'bench', 'sweep', 'up', 'service', 'events', 'trace', 'validate', 'init', 'completion']) {
      expect(fish.stdout).toContain(`-n __fish_use_subcommand -a ${command} `);
    }
    expect(fish.stdout).toContain("-n '__fish_seen_subcommand_from run' -l delivery -x -a 'jetstream core'");
  });

  it('an unknown shell exits 2 and names the three', async () => {
    const r = await cli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown shell "powershell"; expected bash, zsh or fish');
  });
});
