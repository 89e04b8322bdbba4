// What the code host is told is a side effect: a call that fails is reported (log, counter) and
// the release or build goes on as if it had succeeded.

export type CodeHostOperation = 'deployment' | 'deployment-status' | 'commit-status' | 'compare';

export interface SideEffectFailures {
  /** Called once per failed call, with what was attempted and where (`acme/mary`). */
  report(operation: CodeHostOperation, where: string, error: unknown): void;
}

/** Failures counted per operation, for a metrics endpoint or a test; each also goes to `report`. */
export class CountedFailures implements SideEffectFailures {
  readonly counts: Record<CodeHostOperation, number> = { deployment: 0, 'deployment-status': 0, 'commit-status': 0, compare: 0 };

  constructor(private readonly onFailure: (operation: CodeHostOperation, where: string, error: unknown, count: number) => void) {}

  report(operation: CodeHostOperation, where: string, error: unknown): void {
    this.counts[operation] += 1;
    this.onFailure(operation, where, error, this.counts[operation]);
  }
}

/** Runs `call`; a failure is reported and answers undefined. */
export async function sideEffect<T>(failures: SideEffectFailures, operation: CodeHostOperation, where: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    failures.report(operation, where, error);
    return undefined;
  }
}
