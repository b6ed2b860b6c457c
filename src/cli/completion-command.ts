import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { bashCompletion, commandSpecs, fishCompletion, zshCompletion } from './completion.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

/** `program`: the whole CLI, read when the script is asked for (every command is registered by then). */
export function completionCommand(program: () => Command): Command {
  return new Command('completion')
    .description('Print a shell completion script: commands, flags, flag values and scenario files.')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  $ eval "$(saga-sim completion bash)"                                   # in ~/.bashrc
  $ eval "$(saga-sim completion zsh)"                                    # in ~/.zshrc
  $ saga-sim completion fish > ~/.config/fish/completions/saga-sim.fish`,
    )
    .action((shell: string) => {
      const render = SHELLS[shell as keyof typeof SHELLS];
      if (!render) throw new UsageError(`unknown shell "${shell}"; expected bash, zsh or fish`);
      process.stdout.write(render(commandSpecs(program())));
    });
}
