import { Events } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { mirrorNatsAuth, testEnv, testLogger, uniqueName, waitFor } from '@mirror/testing';

const locked = Boolean(process.env.NATS_AUTH_DIR);

describe('NatsClient on the locked bus', () => {
  (locked ? it : it.skip)('reports every subject the bus refuses it, namespace stripped', async () => {
    const namespace = uniqueName('perm');
    const sut = await NatsClient.connect({
      ...(await mirrorNatsAuth('perm-mirror', namespace)),
      servers: testEnv.natsUrl(),
      name: 'perm-mirror',
      namespace,
      logger: testLogger(),
    });
    const refused: { operation: string; subject: string }[] = [];
    sut.onPermissionViolation((v) => refused.push(v));
    try {
      sut.publishRaw(Events.qrScanned.subject, new TextEncoder().encode('{}'));
      sut.publishRaw('mirror.perm-mirror.frame', new Uint8Array([0xff, 0xd8]));
      await waitFor(() => refused.length > 0, 5000);
      await sut.nc.flush();
      expect(refused).toEqual([{ operation: 'publish', subject: Events.qrScanned.subject }]);
    } finally {
      await sut.drain();
    }
  });
});
