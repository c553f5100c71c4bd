import { jetstreamManager } from '@nats-io/jetstream';
import { connectTestNats } from './bus-creds';
import { testEnv } from './names';

/** Deletes every JetStream stream of a test namespace. */
export async function deleteNamespaceStreams(namespace: string, servers = testEnv.natsUrl()): Promise<void> {
  const nc = await connectTestNats(servers);
  try {
    const jsm = await jetstreamManager(nc);
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(`${namespace}_`)) await jsm.streams.delete(s.config.name);
    }
  } finally {
    await nc.close();
  }
}
