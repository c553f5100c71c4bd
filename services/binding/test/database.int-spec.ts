import { ulid } from 'ulid';
import { DatabaseRepository } from '../src/database/database.repository';
import { LockClass } from '../src/database/lock-class';
import { SessionRepository } from '../src/sessions/session.repository';
import { migratedDatabase } from './support/database';

describe(DatabaseRepository.name, () => {
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let sut: DatabaseRepository;
  let sessions: SessionRepository;

  beforeAll(async () => {
    database = await migratedDatabase();
    sut = database.db;
    sessions = new SessionRepository(sut);
  }, 60_000);
  afterAll(() => database?.close());

  const mirrorExists = async (id: string) =>
    (await sut.rows('SELECT 1 FROM mirrors WHERE id = $1', [id])).length === 1;

  it('commits every repository call of a unit of work together', async () => {
    const mirrorId = `uow-${ulid().toLowerCase()}`;
    const sessionId = ulid();
    await sut.transaction(async () => {
      await sessions.touchMirror(mirrorId, new Date());
      await sessions.ensureSession(sessionId, mirrorId);
    });
    expect(await mirrorExists(mirrorId)).toBe(true);
    expect(await sut.rows('SELECT mirror_id FROM sessions WHERE id = $1', [sessionId])).toEqual([
      { mirror_id: mirrorId },
    ]);
  });

  it('rolls back every repository call of a unit of work that fails, nested ones too', async () => {
    const mirrorId = `uow-${ulid().toLowerCase()}`;
    const failure = new Error('the work failed');
    await expect(
      sut.transaction(async () => {
        await sessions.touchMirror(mirrorId, new Date());
        await sut.transaction(() => sessions.ensureSession(ulid(), mirrorId));
        // inside the transaction its own writes are visible
        expect(await mirrorExists(mirrorId)).toBe(true);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await mirrorExists(mirrorId)).toBe(false);
    expect(await sut.rows('SELECT 1 FROM sessions WHERE mirror_id = $1', [mirrorId])).toEqual([]);
  });

  it('runs a call made outside a unit of work on its own, even while one is open', async () => {
    const inside = `uow-${ulid().toLowerCase()}`;
    const outside = `uow-${ulid().toLowerCase()}`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const work = sut
      .transaction(async () => {
        await sessions.touchMirror(inside, new Date());
        await held;
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    // a concurrent call outside the transaction commits on its own
    await sessions.touchMirror(outside, new Date());
    release();
    await work;
    expect(await mirrorExists(outside)).toBe(true);
    expect(await mirrorExists(inside)).toBe(false);
  });

  it('lets one holder at a time run under a session lock', async () => {
    let release!: () => void;
    let started!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holding = new Promise<void>((r) => (started = r));
    const first = sut.whileLocked(LockClass.retention, async () => {
      started();
      await held;
      return 'first';
    });
    await holding;
    await expect(sut.whileLocked(LockClass.retention, async () => 'second')).resolves.toBeNull();
    release();
    await expect(first).resolves.toBe('first');
    await expect(sut.whileLocked(LockClass.retention, async () => 'third')).resolves.toBe('third');
  });
});
