import {
  BUS_ROLES,
  busInboxPrefix,
  deadLetterSubjects,
  declaredStreams,
  FramePartitions,
  isValidMirrorId,
  mappedDestination,
  type BusRole,
  type BusRoleName,
} from '@mirror/contracts';
import { busNamespace, type BusNamespace } from './namespace';

/** A NATS user's permissions as a user JWT carries them (`pub`, `sub`, and `resp` for responders). */
export interface UserPermissions {
  pub: { allow: string[]; deny: string[] };
  sub: { allow: string[]; deny: string[] };
  /** Replies allowed to requests received: one each, within the server's default two minutes. */
  resp?: { max: number; ttl: number };
}

/** The roles a service-like user can have (everything in BUS_ROLES but the per-mirror row). */
export type ServiceRoleName = Exclude<BusRoleName, 'mirror'>;

const api = (rest: string) => `$JS.API.${rest}`;

/**
 * The JetStream API subjects a role needs, from its row: account info; info/create/update of the streams it
 * declares; create/info/next and acks of its own durables; its KV buckets (the bucket's stream, its
 * `$KV.<bucket>.>` subjects, direct and stored-message gets). Nothing to delete, purge or list.
 */
export function jetStreamApiSubjects(role: BusRole, ns: BusNamespace): string[] {
  const subjects: string[] = [];
  const streamAdmin = (stream: string) =>
    subjects.push(
      api(`STREAM.INFO.${stream}`),
      api(`STREAM.CREATE.${stream}`),
      api(`STREAM.UPDATE.${stream}`),
    );
  for (const name of declaredStreams(role)) streamAdmin(ns.stream(name));
  for (const c of role.consumes) {
    const stream = ns.stream(c.stream);
    const consumer = `${stream}.${c.durable}`;
    subjects.push(
      // the filter subject follows the name (servers ≥ 2.9; the client uses the older
      // CONSUMER.DURABLE.CREATE only with older servers, which this system does not run)
      api(`CONSUMER.CREATE.${consumer}`),
      api(`CONSUMER.CREATE.${consumer}.>`),
      api(`CONSUMER.INFO.${consumer}`),
      api(`CONSUMER.MSG.NEXT.${consumer}`),
      `$JS.ACK.${consumer}.>`,
    );
  }
  for (const bucket of role.kvBuckets) {
    const name = ns.stream(bucket);
    const stream = `KV_${name}`;
    streamAdmin(stream);
    subjects.push(
      `$KV.${name}.>`,
      api(`DIRECT.GET.${stream}`),
      api(`DIRECT.GET.${stream}.>`),
      api(`STREAM.MSG.GET.${stream}`),
    );
  }
  if (subjects.length > 0) subjects.unshift(api('INFO'));
  return subjects;
}

function build(
  role: BusRole,
  ns: BusNamespace,
  inboxPrefix: string,
  own: (s: string) => string,
): UserPermissions {
  const subject = (s: string) => ns.subject(own(s));
  const pub = [
    ...role.publishes.map(subject),
    // the server checks a publish against the subject a mapping turns it into (frames → partitions)
    ...role.emits.flatMap((s) => [s, mappedDestination(s) ?? []].flat()).map(subject),
    ...role.requests.map(subject),
    ...deadLetterSubjects(role).map(subject),
    ...jetStreamApiSubjects(role, ns),
  ];
  const sub = [`${inboxPrefix}.>`, ...role.listens.map(subject), ...role.serves.map(subject)];
  const permissions: UserPermissions = {
    pub: { allow: unique(pub), deny: [] },
    sub: { allow: unique(sub), deny: [] },
  };
  // ttl 0 = the server's default (2 min), longer than any request timeout of the system
  if (role.serves.length > 0) permissions.resp = { max: 1, ttl: 0 };
  return permissions;
}

/** A service's (or the registrar's) permissions, derived from its row of BUS_ROLES. */
export function servicePermissions(name: ServiceRoleName, namespace = ''): UserPermissions {
  const role = BUS_ROLES[name];
  if (!role || (name as string) === 'mirror') throw new Error(`no service role "${name}" in BUS_ROLES`);
  return build(role, busNamespace(namespace), busInboxPrefix({ service: name }, namespace), (s) => s);
}

/** One mirror's permissions: the `mirror` row with its own id in place of `*`. */
export function mirrorPermissions(mirrorId: string, namespace = ''): UserPermissions {
  if (!isValidMirrorId(mirrorId)) throw new Error(`mirror id "${mirrorId}" must match [a-z0-9-]{1,64}`);
  const own = (s: string) =>
    s === FramePartitions.all
      ? FramePartitions.ofMirror(mirrorId)
      : s.replace(/^mirror\.\*\./, `mirror.${mirrorId}.`);
  return build(BUS_ROLES.mirror, busNamespace(namespace), busInboxPrefix({ mirrorId }, namespace), own);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
