/** A fleet command that cannot be carried out as asked; the message says what to do instead. */
export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetError';
  }
}

export class InvalidIdError extends FleetError {
  constructor(what: 'mirror' | 'store', id: string) {
    super(`${what} id "${id}" is not valid: use 1-64 of a-z, 0-9 and -`);
    this.name = 'InvalidIdError';
  }
}

export class UnknownMirrorError extends FleetError {
  constructor(mirrorId: string) {
    super(
      `mirror ${mirrorId} is not registered: register it with \`fleet mirror add ${mirrorId} --store <store>\``,
    );
    this.name = 'UnknownMirrorError';
  }
}
