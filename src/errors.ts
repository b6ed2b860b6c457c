/**
 * The one error hierarchy. Library code throws these; only the CLI edge turns them
 * into a printed line and an exit code (see src/cli/exit-codes.ts).
 */
export class SagaSimError extends Error {
  override name = 'SagaSimError';
  /** Process exit code the CLI uses when this error reaches it. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bad flag or argument. Exit code 2. */
export class UsageError extends SagaSimError {
  override name = 'UsageError';
  override readonly exitCode = 2;
}

/** A scenario file that cannot be read, parsed or validated. Exit code 2. */
export class ScenarioError extends SagaSimError {
  override name = 'ScenarioError';
  override readonly exitCode = 2;
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** nats-server missing, not starting, unreachable or crashed. Exit code 3. */
export class BrokerUnavailableError extends SagaSimError {
  override name = 'BrokerUnavailableError';
  override readonly exitCode = 3;
}

/** A service worker failed in a way the run cannot recover from. Exit code 3. */
/** The system under test (--target) does not answer at the start of a run. */
export class TargetUnavailableError extends SagaSimError {
  override name = 'TargetUnavailableError';
  override readonly exitCode = 3;
}

export class ServiceCrashedError extends SagaSimError {
  override name = 'ServiceCrashedError';
  override readonly exitCode = 3;
}

/** The user interrupted the run (Ctrl-C). Exit code 130. */
/** Another writer changed a stored record since this worker read it (e.g. the worker it replaced). */
export class StateConflictError extends SagaSimError {
  override name = 'StateConflictError';
}

export class InterruptedError extends SagaSimError {
  override name = 'InterruptedError';
  override readonly exitCode = 130;
}

/** A message on a saga subject that is not a valid event. Never escapes a service: it is dead-lettered. */
export class InvalidEventError extends SagaSimError {
  override name = 'InvalidEventError';
}

/** PostgreSQL (state: postgres) missing, unreachable or refusing the credentials. Exit code 3. */
export class DatabaseUnavailableError extends SagaSimError {
  override name = 'DatabaseUnavailableError';
  override readonly exitCode = 3;
}
