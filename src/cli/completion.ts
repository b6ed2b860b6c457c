import type { Command, Option } from 'commander';

interface Spec {
  name: string;
  description: string;
  options: { flag: string; description: string; choices?: readonly string[]; takesValue: boolean }[];
}

/** The commands and their flags, read from the program itself so completion never drifts from --help. */
export function commandSpecs(program: Command): Spec[] {
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    options: c.options
      .filter((o: Option) => o.long)
      .map((o: Option) => ({ flag: o.long as string, description: o.description, choices: o.argChoices, takesValue: o.required || o.optional })),
  }));
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

export function bashCompletion(specs: readonly Spec[]): string {
  const cases = specs
    .map((s) => {
      const choices = s.options.filter((o) => o.choices).map((o) => `        ${o.flag}) COMPREPLY=($(compgen -W ${quote(o.choices?.join(' ') ?? '')} -- "$cur")); return ;;`);
      return [`    ${s.name})`, '      case "$prev" in', ...choices, '      esac', `      opts=${quote(s.options.map((o) => o.flag).join(' ') + ' --help')} ;;`].join('\n');
    })
    .join('\n');
  return `# saga-sim bash completion: eval "$(saga-sim completion bash)", or save it under /etc/bash_completion.d/
_saga_sim() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote(specs.map((s) => s.name).join(' ') + ' --help --version')} -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -o filenames -F _saga_sim saga-sim
`;
}

/** zsh runs the bash function through bashcompinit, which every zsh ships. */
export function zshCompletion(specs: readonly Spec[]): string {
  return `# saga-sim zsh completion: eval "$(saga-sim completion zsh)" in ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(specs).split('\n').slice(1).join('\n')}`;
}

export function fishCompletion(specs: readonly Spec[]): string {
  const lines = ['# saga-sim fish completion: saga-sim completion fish > ~/.config/fish/completions/saga-sim.fish', 'complete -c saga-sim -f'];
  for (const s of specs) lines.push(`complete -c saga-sim -n __fish_use_subcommand -a ${s.name} -d ${quote(s.description.split(/[.:]/)[0] ?? s.name)}`);
  for (const s of specs) {
    for (const o of s.options) {
      const values = o.choices ? ` -x -a ${quote(o.choices.join(' '))}` : o.takesValue ? ' -r' : '';
      lines.push(`complete -c saga-sim -n ${quote(`__fish_seen_subcommand_from ${s.name}`)} -l ${o.flag.slice(2)}${values} -d ${quote(o.description.slice(0, 80))}`);
    }
    lines.push(`complete -c saga-sim -n ${quote(`__fish_seen_subcommand_from ${s.name}`)} -F -a '(__fish_complete_suffix .yaml)'`);
  }
  return `${lines.join('\n')}\n`;
}
