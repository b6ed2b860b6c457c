import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { RUN_ID_PATTERN } from '../engine/distributed/messages.js';
import type { RunOptions } from '../engine/run-options.js';
import { positiveInt } from './options.js';

export interface RoleFlags {
  role?: 'generator' | 'coordinator';
  runId?: string;
  generators?: number;
}

/** --role, --run-id and --generators: one run fired from several processes or machines. */
export function roleOptions(): Option[] {
  return [
    new Option('--role <role>', 'one part of a distributed run: generator (fires its share of the scenario at external services) or coordinator (starts the generators, merges their results, writes one report)').choices(['generator', 'coordinator']),
    new Option('--run-id <id>', 'the distributed run this process belongs to (letters, digits, - and _); the same on the coordinator and every generator'),
    new Option('--generators <n>', 'coordinator: how many generators to wait for before the run starts').argParser(positiveInt),
  ];
}

/** The run options a role adds, with the flags that cannot go together refused in one line. */
export function roleOf(flags: RoleFlags & { target?: string; embeddedCluster?: number }): Pick<RunOptions, 'generator' | 'coordinator'> {
  const { role, runId, generators } = flags;
  if (!role) {
    if (runId !== undefined || generators !== undefined) throw new UsageError(`${runId !== undefined ? '--run-id' : '--generators'} belongs to a distributed run: add --role generator or --role coordinator`);
    return {};
  }
  if (runId === undefined) throw new UsageError(`--role ${role} needs --run-id <id>, the same on the coordinator and every generator`);
  if (!RUN_ID_PATTERN.test(runId)) throw new UsageError(`--run-id: "${runId}" is not a run id; use 1 to 64 letters, digits, - or _`);
  if (flags.target !== undefined) throw new UsageError(`--role ${role} drives saga-sim's own services (saga-sim service …); drop --target`);
  if (flags.embeddedCluster !== undefined) throw new UsageError(`--role ${role} runs against a shared server: give every process the same --nats-url instead of --embedded-cluster`);
  if (role === 'generator') {
    if (generators !== undefined) throw new UsageError('--generators is the coordinator\'s: a generator gets its part from it');
    return { generator: { runId } };
  }
  if (generators === undefined) throw new UsageError('--role coordinator needs --generators <n>: how many generators to wait for');
  return { coordinator: { runId, generators } };
}
