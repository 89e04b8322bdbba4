// Port: delivery ids already received from a webhook sender (GitHub's X-GitHub-Delivery), shared
// by every process that receives them, so that a replayed delivery is refused wherever it lands.

export interface DeliveryIds {
  /** True the first time `id` is seen; false for a replay. */
  first(id: string): Promise<boolean>;
  /** Forgets `id`, so that a redelivery is taken (when what it asked for could not be done). */
  forget(id: string): Promise<void>;
}
