import { FramePartitions } from '@mirror/contracts';

/** One destination of a subject mapping as an account JWT carries it (nats-io/jwt `WeightedMapping`). */
export interface WeightedMapping {
  subject: string;
  /** Percent of the messages sent this way. */
  weight: number;
}
export type AccountMappings = Record<string, WeightedMapping[]>;

/**
 * The application account's subject mappings. In operator mode the server takes mappings from the account
 * JWT only (a `mappings` block in nats.conf is refused there), so they are signed into the account like its
 * limits: the frames' partitioning (`mirror.<id>.frame` → `vision.frame.<partition>.<id>`).
 */
export function appAccountMappings(): AccountMappings {
  return Object.fromEntries(
    Object.entries(FramePartitions.mappings).map(([source, destination]) => [
      source,
      [{ subject: destination, weight: 100 }],
    ]),
  );
}

/** Whether two mapping sets are the same (order of sources does not matter). */
export function sameMappings(a: AccountMappings | undefined, b: AccountMappings): boolean {
  const norm = (m: AccountMappings | undefined) =>
    JSON.stringify(Object.entries(m ?? {}).sort(([x], [y]) => x.localeCompare(y)));
  return norm(a) === norm(b);
}
