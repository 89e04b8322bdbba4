// Port: time. Injected so that pipelines wait on a fake clock in tests.
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
