import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import QRCode from 'qrcode';
import { AuthDirectoryError, BusAuthority, connectWithCreds } from '@mirror/bus-auth';
import {
  Requests,
  encodeJson,
  mirrorScene,
  replyEnvelope,
  validate,
  type QrIssueResponse,
} from '@mirror/contracts';
import { Namespace } from '@mirror/nats';
import { AuthorityUnusableError, FleetError } from './fleet.errors';

/** Print sizes of a PNG in pixels per side, as qr-issuer's `/qr/mirrors/` route: 1200 is 10 cm at 300 dpi. */
export const PRINT_SIZE = { min: 256, max: 4096, default: 1200 } as const;
export type MirrorCodeFormat = 'png' | 'svg';

/** A mirror whose id is too long for a scene (`m:` + id within WeChat's 64 characters). */
export class NoMirrorCodeError extends FleetError {
  constructor(mirrorId: string) {
    super(
      `mirror ${mirrorId} cannot have a permanent code: its scene m:${mirrorId} would exceed WeChat's 64 ` +
        'characters (mirror ids of up to 62 characters have one)',
    );
    this.name = 'NoMirrorCodeError';
  }
}

/** qr-issuer did not give the code (not running on this bus, WeChat or Redis away); nothing was written. */
export class MirrorCodeUnavailableError extends FleetError {
  constructor(mirrorId: string, reason: string) {
    super(
      `could not get the permanent code of mirror ${mirrorId} from qr-issuer: ${reason}. Nothing was written; ` +
        'run the same command again once qr-issuer answers (the code is issued once and reused).',
      1,
    );
    this.name = 'MirrorCodeUnavailableError';
  }
}

/**
 * Asks qr-issuer (`qr.issue`, `QR_LIMIT_STR_SCENE` with scene `m:<mirrorId>`) for the mirror's permanent code,
 * signed in with a `registrar` credential minted from the authority for this one call and held in memory only.
 * qr-issuer creates the code once and answers the same ticket ever after.
 */
export async function requestMirrorCode(options: {
  authorityDir: string;
  servers: string;
  namespace: string;
  mirrorId: string;
  timeoutMs?: number;
}): Promise<QrIssueResponse> {
  const { mirrorId } = options;
  const scene = mirrorScene(mirrorId);
  if (scene === null) throw new NoMirrorCodeError(mirrorId);
  let authority: BusAuthority;
  try {
    authority = await BusAuthority.open(options.authorityDir);
  } catch (e) {
    if (e instanceof AuthDirectoryError) throw new AuthorityUnusableError(options.authorityDir, e.message);
    throw e;
  }
  const credential = await authority.issueService('registrar', { namespace: options.namespace });
  const subject = Requests.qrIssue.subject;
  let nc;
  try {
    nc = await connectWithCreds({
      servers: options.servers.split(',').map((s) => s.trim()),
      name: 'fleet-registrar',
      creds: credential.creds,
      inboxPrefix: credential.inboxPrefix,
      timeout: options.timeoutMs ?? 10_000,
    });
  } catch (e) {
    throw new MirrorCodeUnavailableError(mirrorId, `the bus did not answer (${(e as Error).message})`);
  }
  try {
    const request = encodeJson(subject, Requests.qrIssue.request, {
      v: 1,
      kind: 'QR_LIMIT_STR_SCENE',
      sceneStr: scene,
    });
    const reply = await nc
      .request(new Namespace(options.namespace).subject(subject), request, {
        timeout: options.timeoutMs ?? 10_000,
      })
      .catch((e: Error) => {
        throw new MirrorCodeUnavailableError(mirrorId, `no answer on ${subject} (${e.message})`);
      });
    const envelope = validate(subject, replyEnvelope(Requests.qrIssue.response), reply.json());
    if (!envelope.ok)
      throw new MirrorCodeUnavailableError(mirrorId, `${envelope.error.code}: ${envelope.error.message}`);
    return envelope.data as QrIssueResponse;
  } finally {
    await nc.close();
  }
}

/**
 * The code's image for print, drawn from its `url` like qr-issuer's `/qr/mirrors/` route (the same library and
 * options: level M, quiet zone 4): a PNG `sizePx` pixels wide, or an SVG drawn at that size.
 */
export async function renderMirrorCode(
  url: string,
  format: MirrorCodeFormat,
  sizePx: number,
): Promise<Buffer> {
  const options = { errorCorrectionLevel: 'M', margin: 4, width: sizePx } as const;
  return format === 'png'
    ? QRCode.toBuffer(url, { type: 'png', ...options })
    : Buffer.from(await QRCode.toString(url, { type: 'svg', ...options }));
}

/** `--size`: whole pixels within PRINT_SIZE; the default when absent. */
export function printSize(value: string | undefined): number {
  if (value === undefined) return PRINT_SIZE.default;
  const px = /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(px >= PRINT_SIZE.min && px <= PRINT_SIZE.max)) {
    throw new FleetError(
      `--size ${value} is not a print size: use ${PRINT_SIZE.min}-${PRINT_SIZE.max} pixels`,
    );
  }
  return px;
}

/** Refuses a target whose folder does not exist (before anything is asked of qr-issuer). */
export function checkImageTarget(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FleetError(`cannot write ${path}: the folder ${dir} does not exist`);
  }
}

/** Writes the image whole or not at all (a temporary file renamed into place). */
export function writeImageFile(path: string, image: Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, image, { mode: 0o644 });
  renameSync(temporary, path);
}

/** Where `mirror code` writes the images, checked before anything is asked of qr-issuer. */
export interface MirrorCodeTargets {
  png?: string;
  svg?: string;
  sizePx: number;
}

/** Checks that the mirror can have a code, and reads and checks `--png`, `--svg` and `--size`. */
export function mirrorCodeTargets(
  mirrorId: string,
  flags: { png?: string; svg?: string; size?: string },
): MirrorCodeTargets {
  if (mirrorScene(mirrorId) === null) throw new NoMirrorCodeError(mirrorId);
  const targets = { png: flags.png, svg: flags.svg, sizePx: printSize(flags.size) };
  for (const path of [targets.png, targets.svg]) if (path) checkImageTarget(path);
  return targets;
}

/** Writes the asked images of the code; returns what to tell the operator. */
export async function deliverMirrorCode(
  mirrorId: string,
  code: QrIssueResponse,
  targets: MirrorCodeTargets,
): Promise<string> {
  const lines = [
    `mirror ${mirrorId}: permanent code, scene ${code.sceneStr} (the same code every time it is asked for)`,
    `encodes: ${code.url}`,
    `WeChat's image: ${code.showUrl}`,
  ];
  for (const format of ['png', 'svg'] as const) {
    const path = targets[format];
    if (!path) continue;
    writeImageFile(path, await renderMirrorCode(code.url, format, targets.sizePx));
    lines.push(`wrote ${path} (${format.toUpperCase()}, ${targets.sizePx} px)`);
  }
  if (code.images) lines.push(`download links (expire): ${code.images.png} ${code.images.svg}`);
  return `${lines.join('\n')}\n`;
}
