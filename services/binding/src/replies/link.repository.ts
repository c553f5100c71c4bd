import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import { sessionWithdrawnSql } from '../shared/session-withdrawn';

/** What a photo link leads to. */
export interface LinkTarget {
  sessionId: string;
  openid: string;
  withdrawn: boolean;
}

/** Postgres I/O for opening photo links. */
@Injectable()
export class LinkRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /** The claimed session behind a scene, and whether its photos were withdrawn; null when nobody claimed it. */
  target(scene: string): Promise<LinkTarget | null> {
    return this.db.row<LinkTarget>(
      `SELECT b.session_id AS "sessionId", b.openid, ${sessionWithdrawnSql('b.session_id')} AS withdrawn
         FROM session_scenes q JOIN bindings b ON b.session_id = q.session_id
        WHERE q.scene = $1`,
      [scene],
    );
  }
}
