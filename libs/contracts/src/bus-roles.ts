import type { EventContract, StreamName } from './contract';
import { Events } from './events';
import { FramePartitions } from './frame-partitions';
import { mirrorLooks } from './looks';
import { MirrorSubjects, mirrorDisplay, mirrorGesture, type MirrorChannel } from './mirror';
import { Requests } from './requests';
import { STREAMS, deadLetterSubject } from './streams';

/**
 * Who may do what on the bus: one row per NATS user kind. Each service's credentials, and every mirror's,
 * are derived from this table (@mirror/bus-auth), so a permission is granted here or nowhere. Subjects are
 * contract subjects (no namespace); in the `mirror` row, the `*` of `mirror.*.<channel>` stands for the
 * mirror's own id.
 */
export interface BusRole {
  /** Streams created or updated at start-up (DLQ comes with any durable consumer). */
  declares: StreamName[];
  /** JetStream subjects published, with an ack. */
  publishes: string[];
  /** Durable pull consumers. */
  consumes: DurableConsumer[];
  /** Request subjects answered. */
  serves: string[];
  /** Request subjects asked. */
  requests: string[];
  /** Core NATS subjects published (fire and forget). */
  emits: string[];
  /** Core NATS subjects subscribed to. */
  listens: string[];
  /** JetStream key-value buckets read and written (name without namespace). */
  kvBuckets: string[];
}

export interface DurableConsumer {
  stream: StreamName;
  durable: string;
  /** The consumer's filter subject. */
  subject: string;
}

export const SERVICE_NAMES = [
  'wechat-gateway',
  'qr-issuer',
  'photo-store',
  'session-vision',
  'binding',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * `shop-console` is the staff's web console: it asks binding for statistics and mirrors and hears the
 * frame-rate advice session-vision sends each mirror (its sign of life); it runs no consumer of its own.
 * `registrar` is the fleet registration command: it registers mirrors and asks qr-issuer for their
 * permanent codes. `mirror` is any one mirror.
 */
export type BusRoleName = ServiceName | 'registrar' | 'mirror' | 'shop-console';

/**
 * Per-mirror channels with no consumer among the roles: `vision` (session-vision's per-frame results when
 * VISION_DEBUG_EVENTS is on, read by bench/vision, a debugging client of its own).
 */
export const EXTRA_MIRROR_CHANNELS = ['vision'] as const;
export type BusMirrorChannel = MirrorChannel | (typeof EXTRA_MIRROR_CHANNELS)[number];

const perMirror = (channel: BusMirrorChannel) => `mirror.*.${channel}`;
const consume = (event: EventContract, durable: string): DurableConsumer => ({
  stream: event.stream,
  durable,
  subject: event.subject,
});
const subjects = (...contracts: { subject: string }[]) => contracts.map((c) => c.subject);

function role(grants: Partial<BusRole>): BusRole {
  return {
    declares: [],
    publishes: [],
    consumes: [],
    serves: [],
    requests: [],
    emits: [],
    listens: [],
    kvBuckets: [],
    ...grants,
  };
}

/** The bus's roles: what each service's handlers and publishers use, and what a mirror may do. */
export const BUS_ROLES: Readonly<Record<BusRoleName, BusRole>> = {
  'wechat-gateway': role({
    declares: ['WECHAT'],
    publishes: subjects(
      Events.qrScanned,
      Events.userSubscribed,
      Events.userUnsubscribed,
      Events.productScanned,
      Events.messageReceived,
    ),
    requests: subjects(
      Requests.replyScan,
      Requests.oauthConfirm,
      Requests.galleryGet,
      Requests.bindingPhotoDelete,
      Requests.bindingPhotoFavourite,
      Requests.linkOpen,
    ),
  }),
  'qr-issuer': role({
    declares: ['SESSIONS', 'QR'],
    publishes: subjects(Events.qrIssued),
    consumes: [consume(Events.sessionStarted, 'qr-issuer-session-started')],
    serves: subjects(Requests.qrIssue),
    emits: subjects(mirrorDisplay),
  }),
  'photo-store': role({
    declares: ['PHOTOS_IN', 'PHOTOS'],
    publishes: subjects(Events.photoStored, Events.photoRejected, Events.photoDeleted),
    consumes: [{ stream: 'PHOTOS_IN', durable: 'photo-store-photos', subject: MirrorSubjects.all('photo') }],
    serves: subjects(Requests.photoUrl, Requests.photoDelete),
    kvBuckets: ['PHOTO_RECENT'],
  }),
  'session-vision': role({
    declares: ['SESSIONS'],
    publishes: subjects(Events.sessionStarted, Events.sessionEnded, Events.gestureRecognised),
    // mirrors' frames as the server's subject mapping delivers them (frame-partitions.ts); a replica
    // subscribes to the partitions it owns only
    listens: [FramePartitions.all],
    emits: [mirrorGesture.subject, perMirror('control'), perMirror('vision')],
  }),
  binding: role({
    declares: ['SESSIONS', 'QR', 'PHOTOS', 'WECHAT'],
    consumes: [
      consume(Events.sessionStarted, 'binding-session-started'),
      consume(Events.sessionEnded, 'binding-session-ended'),
      consume(Events.qrIssued, 'binding-qr-issued'),
      consume(Events.photoStored, 'binding-photo-stored'),
      consume(Events.photoRejected, 'binding-photo-rejected'),
      consume(Events.photoDeleted, 'binding-photo-deleted'),
      consume(Events.qrScanned, 'binding-qr-scanned'),
      consume(Events.userSubscribed, 'binding-user-subscribed'),
      consume(Events.userUnsubscribed, 'binding-user-unsubscribed'),
      consume(Events.productScanned, 'binding-product-scanned'),
      consume(Events.messageReceived, 'binding-message-received'),
      consume(Events.gestureRecognised, 'binding-looks-gesture'),
      consume(Events.sessionStarted, 'binding-looks-session-started'),
      consume(Events.sessionEnded, 'binding-looks-session-ended'),
      consume(Events.photoStored, 'binding-looks-photo-stored'),
    ],
    serves: subjects(
      Requests.replyScan,
      Requests.oauthConfirm,
      Requests.galleryGet,
      Requests.bindingPhotoDelete,
      Requests.bindingPhotoFavourite,
      Requests.statsGet,
      Requests.mirrorsList,
      Requests.linkOpen,
    ),
    requests: subjects(Requests.photoUrl, Requests.photoDelete),
    emits: [...subjects(mirrorDisplay, mirrorLooks), perMirror('control')],
  }),
  'shop-console': role({
    requests: subjects(Requests.statsGet, Requests.mirrorsList),
    listens: [perMirror('control'), MirrorSubjects.all('status')],
  }),
  registrar: role({
    requests: subjects(Requests.qrIssue),
  }),
  mirror: role({
    // a photo is published with an ack into PHOTOS_IN: no JetStream API is needed for that
    publishes: [MirrorSubjects.all('photo')],
    emits: [MirrorSubjects.all('frame'), MirrorSubjects.all('status')],
    listens: [
      MirrorSubjects.all('display'),
      MirrorSubjects.all('gesture'),
      perMirror('control'),
      MirrorSubjects.all('looks'),
    ],
  }),
};

/** The row of a role. */
export function busRole(name: BusRoleName): BusRole {
  return BUS_ROLES[name];
}

/** Whether `name` is a role of the table. */
export function isBusRoleName(name: string): name is BusRoleName {
  return Object.prototype.hasOwnProperty.call(BUS_ROLES, name);
}

/** The streams a role declares, with DLQ when it has a durable consumer (dead letters go there). */
export function declaredStreams(r: BusRole): StreamName[] {
  const streams = new Set<StreamName>(r.declares);
  if (r.consumes.length > 0) streams.add('DLQ');
  return [...streams];
}

/** The dead-letter subjects a role publishes to: one per durable consumer. */
export function deadLetterSubjects(r: BusRole): string[] {
  return r.consumes.map((c) => deadLetterSubject(c.stream, c.durable));
}

/** One thing a service does on the bus, as its code declares it (handlers, publishers, start-up). */
export type BusUsage =
  | { kind: 'declare'; stream: StreamName }
  | { kind: 'publish'; subject: string }
  | { kind: 'consume'; stream: StreamName; durable: string; subject: string }
  | { kind: 'serve'; subject: string }
  | { kind: 'request'; subject: string }
  | { kind: 'emit'; subject: string }
  | { kind: 'listen'; subject: string }
  | { kind: 'kv'; bucket: string };

/** Whether the role's row grants the usage (subjects compared token by token, NATS wildcards allowed). */
export function roleAllows(r: BusRole, usage: BusUsage): boolean {
  const any = (patterns: string[], subject: string) => patterns.some((p) => subjectCovers(p, subject));
  switch (usage.kind) {
    case 'declare':
      return declaredStreams(r).includes(usage.stream);
    case 'publish':
      return any(r.publishes, usage.subject) || any(deadLetterSubjects(r), usage.subject);
    case 'consume':
      return r.consumes.some(
        (c) =>
          c.stream === usage.stream && c.durable === usage.durable && subjectCovers(c.subject, usage.subject),
      );
    case 'serve':
      return any(r.serves, usage.subject);
    case 'request':
      return any(r.requests, usage.subject);
    case 'emit':
      return any(r.emits, usage.subject);
    case 'listen':
      return any(r.listens, usage.subject);
    case 'kv':
      return r.kvBuckets.includes(usage.bucket);
  }
}

/** The usages the role's row does not grant: empty when the code and the table agree. */
export function ungrantedUsages(name: BusRoleName, usages: BusUsage[]): BusUsage[] {
  const r = busRole(name);
  return usages.filter((u) => !roleAllows(r, u));
}

/**
 * Whether NATS subject pattern `pattern` matches every subject `subject` can match (`subject` may itself
 * be a pattern): `*` covers one token (or a `*`), a trailing `>` covers the rest.
 */
export function subjectCovers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (s[i] === '>') return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Who produces and who consumes a subject, per the table (requests: askers produce, servers consume). */
export function rolesOn(subject: string): { producers: BusRoleName[]; consumers: BusRoleName[] } {
  const producers: BusRoleName[] = [];
  const consumers: BusRoleName[] = [];
  const touches = (patterns: string[]) =>
    patterns.some((p) => subjectCovers(p, subject) || subjectCovers(subject, p));
  // what is published on a mapped subject is delivered on its destination (frames: mirror → partition)
  const delivered = mappedDestination(subject);
  const receives = (patterns: string[]) =>
    touches(patterns) ||
    (delivered !== null && patterns.some((p) => subjectCovers(p, delivered) || subjectCovers(delivered, p)));
  for (const [name, r] of Object.entries(BUS_ROLES) as [BusRoleName, BusRole][]) {
    if (touches([...r.publishes, ...r.emits, ...r.requests])) producers.push(name);
    if (receives([...r.consumes.map((c) => c.subject), ...r.listens, ...r.serves])) consumers.push(name);
  }
  return { producers, consumers };
}

/** Every subject the contracts define, as contract subjects (per-mirror ones with `*` for the id). */
export function contractSubjects(): string[] {
  const mirrorChannels: MirrorChannel[] = [
    'frame',
    'photo',
    'display',
    'gesture',
    'control',
    'looks',
    'status',
  ];
  return [
    ...Object.values(Events).map((e) => e.subject),
    ...Object.values(Requests).map((r) => r.subject),
    ...mirrorChannels.map((c) => MirrorSubjects.all(c)),
  ];
}

/** The subjects a role may name: the contracts', the extra per-mirror channels and the partitioned frames. */
export function knownBusSubjects(): string[] {
  return [...contractSubjects(), ...EXTRA_MIRROR_CHANNELS.map((c) => perMirror(c)), FramePartitions.all];
}

/**
 * Where the server delivers what is published on `subject` when a subject mapping applies to it (the
 * frames: `mirror.<id>.frame` → `vision.frame.<partition>.<id>`), as a pattern; null when none applies.
 */
export function mappedDestination(subject: string): string | null {
  return subjectCovers(MirrorSubjects.all('frame'), subject) ? FramePartitions.all : null;
}

/** The stream that stores a subject, if any (contract subjects, no namespace). */
export function streamOf(subject: string): StreamName | undefined {
  return Object.values(STREAMS).find((s) => s.subjects.some((p) => subjectCovers(p, subject)))?.name;
}

/**
 * The inbox prefix a bus user's client must pass as the connection's `inboxPrefix` (replies, JetStream
 * acks and pull deliveries arrive under it): each user may subscribe to its own inbox only.
 */
export function busInboxPrefix(
  user: { service: Exclude<BusRoleName, 'mirror'> } | { mirrorId: string },
  namespace = '',
): string {
  const id = 'service' in user ? user.service : user.mirrorId;
  return namespace ? `_INBOX_${namespace}_${id}` : `_INBOX_${id}`;
}
