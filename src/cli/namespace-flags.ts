import { InvalidArgumentError, Option } from 'commander';
import { NAMESPACE_PATTERN, SUBJECT_PREFIX_PATTERN, type Namespace } from '../broker/names.js';

export interface NamespaceFlags {
  namespace?: string;
  subjectPrefix?: string;
}

/**
 * --namespace and --subject-prefix. `defaultNamespace` says, in the help, what the command uses
 * without one (a run: a fresh run id; up and service: the design's names).
 */
export function namespaceOptions(defaultNamespace: string): Option[] {
  return [namespaceOption(defaultNamespace), subjectPrefixOption()];
}

export function namespaceOption(defaultNamespace: string): Option {
  return new Option('--namespace <name>', `name of this run's streams, consumers, KV buckets and dead letters on the server (letters, digits, - and _; default: ${defaultNamespace})`)
    .env('SAGA_SIM_NAMESPACE')
    .argParser(checked(NAMESPACE_PATTERN, 'up to 32 letters, digits, - or _'));
}

export function subjectPrefixOption(): Option {
  return new Option('--subject-prefix <prefix>', 'put this before every event subject (ci-42 → ci-42.order.created.v1), so runs on one server do not share subjects (default: none, the design\'s subjects)')
    .env('SAGA_SIM_SUBJECT_PREFIX')
    .argParser(checked(SUBJECT_PREFIX_PATTERN, 'dot-separated tokens of letters, digits, - or _, with no wildcards'));
}

function checked(pattern: RegExp, rule: string): (value: string) => string {
  return (value) => {
    if (!pattern.test(value)) throw new InvalidArgumentError(`use ${rule}, got "${value}"`);
    return value;
  };
}

/** What the flags set; unset parts take the command's default. */
export function namespaceOf(flags: NamespaceFlags): Partial<Namespace> {
  return { ...(flags.namespace !== undefined ? { id: flags.namespace } : {}), ...(flags.subjectPrefix !== undefined ? { subjectPrefix: flags.subjectPrefix } : {}) };
}

/** For up and service, whose default is the design's namespace. */
export function designNamespaceOf(flags: NamespaceFlags): Namespace {
  return { id: flags.namespace ?? '', subjectPrefix: flags.subjectPrefix ?? '' };
}
