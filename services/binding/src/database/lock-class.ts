/**
 * Namespaces of the two-key Postgres advisory locks binding takes (`pg_advisory_lock(class, key)`), so
 * they cannot collide with each other or with another application's locks on the same database.
 */
export const LockClass = {
  /** Session-level: one process applies migrations at a time. */
  migrations: 0x62640001,
  /** Session-level: one replica runs the retention sweep at a time. */
  retention: 0x62640002,
  /**
   * Transaction-level, key = hashtext(scene): a scan and the scene's `qr.issued` never miss each other.
   * Written out as 1650720771 in the ClaimFunctions migration.
   */
  scene: 0x62640003,
  /**
   * Transaction-level: one fleet command at a time registers or revokes, so two never re-sign the bus's
   * account JWT from the same old copy (the later push would drop the earlier revocation).
   */
  fleet: 0x62640004,
  /**
   * Transaction-level, key = hashtext(mirrorId): the scans of one mirror's permanent code in turn, so a
   * redelivered scan finds the first delivery's decision. Written out as 1650720816 in migration MirrorCodes.
   */
  mirrorCode: 0x62640030,
  /**
   * Transaction-level: one statistics refresh at a time, so an older recomputation of a (mirror, day) never
   * commits over a newer one (src/stats/stats.repository.ts).
   */
  stats: 0x62640010,
} as const;
