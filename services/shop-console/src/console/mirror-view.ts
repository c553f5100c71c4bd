/** One mirror as the console shows it. */
export interface MirrorView {
  mirrorId: string;
  storeId: string | null;
  storeName: string | null;
  registered: boolean;
  revoked: boolean;
  /** session-vision confirmed frames from it within MIRROR_ONLINE_WINDOW_SECONDS. */
  online: boolean;
  lastFrameAt: string | null;
  /** A session is open on it (binding's record, or session-vision's latest word while online). */
  inSession: boolean;
  lastPhotoAt: string | null;
  lastSeenAt: string | null;
  /** The software version the mirror last reported (`mirror.<id>.status`); null before it has. */
  version: string | null;
  codeUrls: { png: string; svg: string } | null;
}
