/** A scan's scene is not known yet (its `qr.issued` has not arrived): retry shortly, the rows will join. */
export class SceneNotYetKnownError extends Error {
  constructor(readonly scene: string) {
    super(`scene ${scene.slice(0, 6)}… is not known yet; retrying once its qr.issued has arrived`);
    this.name = 'SceneNotYetKnownError';
  }
}

/** photo-store did not answer (not running, or too slow): retry later; nothing was changed. */
export class PhotoStoreUnavailableError extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      `photo-store did not answer ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'PhotoStoreUnavailableError';
  }
}

/** A customer-service message could not be handed to WeChat, and certainly was not delivered: retry later. */
export class PushNotDeliveredError extends Error {
  constructor(
    readonly eventId: string,
    cause: unknown,
  ) {
    super(
      `customer-service message for event ${eventId} not delivered (${cause instanceof Error ? cause.message : String(cause)}); it will be retried`,
    );
    this.name = 'PushNotDeliveredError';
  }
}
