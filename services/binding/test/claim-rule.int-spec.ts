import { ulid } from 'ulid';
import { decideScan, type SceneState } from '../src/claims/claim-rule';
import { ClaimRepository } from '../src/claims/claim.repository';
import type { DatabaseRepository } from '../src/database/database.repository';
import { SessionRepository } from '../src/sessions/session.repository';
import { migratedDatabase } from './support/database';

const MIRROR = 'rule-mirror-1';
const SCANNER = 'oScanner0000000000000001';
const MINUTE = 60_000;

type Holder = 'nobody' | 'the scanner' | 'someone else';
interface Case {
  sceneKnown: boolean;
  codeExpired: boolean;
  holder: Holder;
}

const cases: Case[] = [];
for (const sceneKnown of [true, false])
  for (const codeExpired of [false, true])
    for (const holder of ['nobody', 'the scanner', 'someone else'] as Holder[])
      if (sceneKnown || holder === 'nobody') cases.push({ sceneKnown, codeExpired, holder });

/**
 * The claim rule runs in Postgres (binding_record_scan / binding_evaluate_scan) for speed and is written
 * out in TypeScript (decideScan) to be read: every case goes through the SQL and must come out as the
 * TypeScript says.
 */
describe('the claim rule in Postgres decides like claims/claim-rule.ts', () => {
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let db: DatabaseRepository;
  let claims: ClaimRepository;
  let sessions: SessionRepository;

  beforeAll(async () => {
    database = await migratedDatabase();
    db = database.db;
    claims = new ClaimRepository(db);
    sessions = new SessionRepository(db);
  }, 60_000);
  afterAll(() => database?.close());

  /** A session whose QR code `scene` expires at `expiresAt`. */
  async function issue(scene: string, expiresAt: Date): Promise<string> {
    const sessionId = ulid();
    await sessions.touchMirror(MIRROR, new Date());
    await sessions.ensureSession(sessionId, MIRROR);
    await claims.insertScene({ scene, sessionId, ticket: `t-${scene}`, url: `u-${scene}`, expiresAt });
    return sessionId;
  }

  const scanOf = (scene: string, openid: string, at: Date) => ({
    eventId: ulid(),
    openid,
    scene,
    newFollower: false,
    at,
  });

  it.each(cases)(
    'a scan when $holder holds the session (scene known: $sceneKnown, code expired: $codeExpired)',
    async ({ sceneKnown, codeExpired, holder }) => {
      const scene = `rule-${ulid()}`;
      const scannedAt = new Date();
      const expiresAt = new Date(scannedAt.getTime() + (codeExpired ? -MINUTE : MINUTE));
      let state: SceneState | null = null;
      if (sceneKnown) {
        await issue(scene, expiresAt);
        const boundTo = holder === 'nobody' ? null : holder === 'the scanner' ? SCANNER : `oOther${ulid()}`;
        if (boundTo) {
          // the holder claimed it while the code was live
          const first = await claims.recordScan(
            scanOf(scene, boundTo, new Date(expiresAt.getTime() - 2 * MINUTE)),
          );
          expect(first.outcome).toBe('claimed');
        }
        state = { expiresAt, boundTo };
      }

      const scan = scanOf(scene, SCANNER, scannedAt);
      const decision = await claims.recordScan(scan);
      expect(decision.outcome).toBe(decideScan({ openid: SCANNER, scannedAt }, state));
      expect(decision.claimed).toBe(decision.outcome === 'claimed');

      // rule 5: the same event again returns the first decision and changes nothing
      const again = await claims.recordScan(scan);
      expect(again).toMatchObject({ outcome: decision.outcome, claimed: false, evaluated: false });
    },
  );

  it('decides the scans that came before their scene in scan order: the first scanner claims', async () => {
    const scene = `rule-${ulid()}`;
    const t0 = Date.now();
    // recorded in the opposite order of their scan times
    const later = await claims.recordScan(scanOf(scene, 'oLater00000000000000001', new Date(t0 + 1000)));
    const earlier = await claims.recordScan(scanOf(scene, 'oEarlier000000000000001', new Date(t0)));
    expect([later.outcome, earlier.outcome]).toEqual(['pending', 'pending']);

    const outcomes = await db.transaction(async () => {
      await claims.lockScene(scene);
      await issue(scene, new Date(t0 + MINUTE));
      const decided = [];
      for (const eventId of await claims.pendingScans(scene))
        decided.push(await claims.evaluateScan(eventId));
      return decided.map((d) => d.outcome);
    });
    expect(outcomes).toEqual(['claimed', 'other']);
    expect(
      await db.rows(
        'SELECT openid FROM bindings b JOIN session_scenes q USING (session_id) WHERE q.scene = $1',
        [scene],
      ),
    ).toEqual([{ openid: 'oEarlier000000000000001' }]);
  });
});
