import type { Box, Landmark } from './vision.types';

/**
 * A square the hand landmark model looks at: centre, side, and rotation. `angle` turns the crop so the
 * hand points up in it (the landmark model is trained on upright hands): 0 keeps the frame's axes.
 */
export interface HandRegion {
  cx: number;
  cy: number;
  size: number;
  angle: number;
}

export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function boxOfLandmarks(landmarks: Landmark[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of landmarks) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The rotation that makes direction (dx, dy) point up in the crop. */
export function angleFor(dx: number, dy: number): number {
  return Math.atan2(dx, -dy);
}

/** Region around a found hand, turned so its wrist-to-middle-finger axis points up, `scale` times its extent. */
export function regionAroundLandmarks(landmarks: Landmark[], scale: number): HandRegion {
  const angle = angleFor(landmarks[9][0] - landmarks[0][0], landmarks[9][1] - landmarks[0][1]);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let a0 = Infinity;
  let a1 = -Infinity;
  let b0 = Infinity;
  let b1 = -Infinity;
  for (const [x, y] of landmarks) {
    const a = x * cos + y * sin; // along the crop's x axis
    const b = -x * sin + y * cos; // along the crop's y axis
    a0 = Math.min(a0, a);
    a1 = Math.max(a1, a);
    b0 = Math.min(b0, b);
    b1 = Math.max(b1, b);
  }
  const ca = (a0 + a1) / 2;
  const cb = (b0 + b1) / 2;
  return {
    cx: ca * cos - cb * sin,
    cy: ca * sin + cb * cos,
    size: Math.max(a1 - a0, b1 - b0) * scale,
    angle,
  };
}

/**
 * The projective transform (tf.image.transform's 8 numbers) that maps crop pixels of an `out`-sized
 * square onto the region in the frame, and the same mapping for landmarks.
 */
export function regionTransform(region: HandRegion, out: number) {
  const k = region.size / out;
  const cos = Math.cos(region.angle);
  const sin = Math.sin(region.angle);
  const h = out / 2;
  const toFrame = (u: number, v: number): [number, number] => [
    region.cx + cos * (u - h) * k - sin * (v - h) * k,
    region.cy + sin * (u - h) * k + cos * (v - h) * k,
  ];
  const [tx, ty] = toFrame(0, 0);
  return { matrix: [cos * k, -sin * k, tx, sin * k, cos * k, ty, 0, 0], toFrame };
}

/** An upright square region around a box, `scale` times its longer side. */
export function regionAroundBox(box: Box, scale: number): HandRegion {
  return {
    cx: box.x + box.width / 2,
    cy: box.y + box.height / 2,
    size: Math.max(box.width, box.height) * scale,
    angle: 0,
  };
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export function centerOf(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function boxOfRegion(region: HandRegion): Box {
  return {
    x: region.cx - region.size / 2,
    y: region.cy - region.size / 2,
    width: region.size,
    height: region.size,
  };
}
