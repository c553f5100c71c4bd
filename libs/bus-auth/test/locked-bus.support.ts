import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstreamManager, StorageType } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection, Subscription } from '@nats-io/nats-core';
import { STREAMS, type StreamName } from '@mirror/contracts';
import { BusAuthority, busNamespace, connectWithCreds, type UserCredential } from '@mirror/bus-auth';
import { LocalNatsServer, uniqueName } from '@mirror/testing';

/** A private operator-mode nats-server trusting a fresh authority, and the connections a test opens on it. */
export class LockedBus {
  readonly ns = uniqueName('t');
  readonly names = busNamespace(this.ns);
  private readonly connections: NatsConnection[] = [];

  private constructor(
    readonly dir: string,
    readonly authority: BusAuthority,
    readonly server: LocalNatsServer,
  ) {}

  static async start(): Promise<LockedBus> {
    const dir = mkdtempSync(join(tmpdir(), 'bus-auth-locked-'));
    const authority = await BusAuthority.init(dir);
    const server = await LocalNatsServer.start({ include: authority.serverConfig() });
    return new LockedBus(dir, authority, server);
  }

  /** Connects with a credential and its own inbox prefix; `statuses` collects what the client reports. */
  async connect(credential: UserCredential, options: Partial<ConnectionOptions> = {}): Promise<Client> {
    const nc = await connectWithCreds({
      servers: this.server.url,
      creds: credential.creds,
      inboxPrefix: credential.inboxPrefix,
      name: credential.name,
      ...options,
    });
    this.connections.push(nc);
    return new Client(nc);
  }

  service(name: string): Promise<Client> {
    return this.authority.issueService(name, { namespace: this.ns }).then((c) => this.connect(c));
  }

  mirror(id: string, options: Partial<ConnectionOptions> = {}): Promise<Client> {
    return this.authority.issueMirror(id, { namespace: this.ns }).then((c) => this.connect(c, options));
  }

  /** A user allowed everything, to see what reached the server and what was stored. */
  async observer(): Promise<Client> {
    const all = { allow: ['>'], deny: [] };
    return this.connect(await this.authority.issueUser('observer', { pub: all, sub: all }, '_INBOX'));
  }

  /** Declares a stream as the services do (info, then update or create), with the client's own rights. */
  async ensureStream(client: Client, name: StreamName): Promise<void> {
    const jsm = await jetstreamManager(client.nc);
    const spec = STREAMS[name];
    const config = {
      name: this.names.stream(name),
      subjects: spec.subjects.map((s) => this.names.subject(s)),
      storage: StorageType.File,
      max_msg_size: spec.maxMsgSize,
    };
    const exists = await jsm.streams.info(config.name).then(
      () => true,
      () => false,
    );
    if (exists) await jsm.streams.update(config.name, config);
    else await jsm.streams.add(config);
  }

  /** Creates a durable pull consumer as the services do. */
  async ensureConsumer(client: Client, stream: StreamName, durable: string, subject: string): Promise<void> {
    const jsm = await jetstreamManager(client.nc);
    await jsm.consumers.add(this.names.stream(stream), {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: this.names.subject(subject),
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.connections.map((nc) => nc.close()));
    await this.server.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A connection and what its client reported: permission errors, disconnects, reconnects. */
export class Client {
  readonly statuses: { type: string; error?: Error }[] = [];

  constructor(readonly nc: NatsConnection) {
    void (async () => {
      for await (const s of nc.status()) {
        this.statuses.push({ type: s.type, error: s.type === 'error' ? s.error : undefined });
      }
    })();
  }

  /** Subjects of the publish permission violations the server reported. */
  refusedPublishes(): string[] {
    return this.violations('publish');
  }

  violations(operation: 'publish' | 'subscription'): string[] {
    return this.statuses.flatMap((s) => {
      const e = s.error as { operation?: string; subject?: string } | undefined;
      return e?.operation === operation && e.subject ? [e.subject] : [];
    });
  }

  saw(type: string): boolean {
    return this.statuses.some((s) => s.type === type);
  }

  /** Collects the messages of a subscription. */
  collect(subject: string): { subscription: Subscription; messages: { subject: string; data: string }[] } {
    const messages: { subject: string; data: string }[] = [];
    const subscription = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (!err) messages.push({ subject: msg.subject, data: msg.string() });
      },
    });
    return { subscription, messages };
  }
}
