/**
 * The namespace rule of @mirror/nats's `Namespace` (subjects get `<ns>.`, streams and KV buckets `<ns>_`),
 * restated here so the credential tooling does not load the services' NATS module; a test keeps the two equal.
 */
export interface BusNamespace {
  readonly prefix: string;
  subject(subject: string): string;
  stream(name: string): string;
}

/** The namespace `prefix` ('' = none, as in production). */
export function busNamespace(prefix = ''): BusNamespace {
  if (prefix && !/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new Error(
      `namespace "${prefix}" must be letters, digits, _ or - (it prefixes subjects and streams)`,
    );
  }
  return {
    prefix,
    subject: (subject) => (prefix ? `${prefix}.${subject}` : subject),
    stream: (name) => (prefix ? `${prefix}_${name}` : name),
  };
}
