import {
  Events,
  MirrorSubjects,
  decode,
  mirrorLooks,
  type Gesture,
  type LooksState,
} from '@mirror/contracts';
import type { NatsClient } from '@mirror/nats';

/**
 * The narrated visit's outfits: two looks taken with a thumbs-up (the countdown on the mirror, then the
 * mirror's photo), the second favourited, a swipe back to the first, and a compare with the favourite. The
 * built-in camera frames show a person but no hand poses, so the commands are published as session-vision
 * publishes a recognised gesture (`gesture.recognised`); everything after that is the real system: binding's
 * looks state, the mirror shooting on `take-photo`, photo-store, the mirror screen.
 */
export async function tryOnOutfits(
  nats: NatsClient,
  mirrorId: string,
  sessionId: string,
  say: (step: string, text: string) => void,
): Promise<LooksState> {
  const states: LooksState[] = [];
  const waiting = new Set<() => void>();
  const sub = nats.subscribe(MirrorSubjects.of('looks', mirrorId), (m) => {
    states.push(decode(mirrorLooks, m.data));
    for (const check of waiting) check();
  });
  const until = (test: (s: LooksState) => boolean, what: string, timeoutMs = 30000) =>
    new Promise<LooksState>((resolve, reject) => {
      const check = () => {
        const hit = states.find((s) => s.sessionId === sessionId && test(s));
        if (!hit) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
      }, timeoutMs);
      waiting.add(check);
      check();
    });
  let last = 0;
  const command = async (gesture: Gesture) => {
    last = Math.max(last + 1, Date.now());
    const commandId = `${sessionId}-${last}`;
    await nats.publish(
      Events.gestureRecognised,
      { commandId, sessionId, mirrorId, gesture, confidence: 0.95, at: new Date(last).toISOString() },
      { msgID: commandId },
    );
    return until((s) => s.cause?.commandId === commandId, `the mirror's answer to ${gesture}`);
  };

  try {
    for (const outfit of [1, 2]) {
      const counting = await command('thumbs_up');
      say('look', `outfit ${outfit}: 👍 → the mirror counts down ${counting.countdown?.seconds ?? '?'}-2-1…`);
      const taken = await until((s) => s.looks.length === outfit && s.countdown === null, `look ${outfit}`);
      say('look', `look ${outfit} taken (${taken.looks[outfit - 1].photoId}), shown in the looks strip`);
    }
    const starred = await command('victory');
    const favourite = starred.looks.findIndex((l) => l.favourite) + 1;
    say('look', `✌️ → look ${favourite} is a favourite (★ on the mirror)`);
    const back = await command('swipe_right');
    say('look', `👉 → back to look ${back.looks.findIndex((l) => l.photoId === back.current) + 1}`);
    const compare = await command('fist');
    const n = (id: string | null) => compare.looks.findIndex((l) => l.photoId === id) + 1;
    say(
      'look',
      compare.compare
        ? `✊ → side by side: look ${n(compare.compare.left)} and ${compare.compare.with === 'favourite' ? `the favourite, look ${n(compare.compare.right)}` : 'the live view'}`
        : `✊ → no compare (${compare.feedback})`,
    );
    return compare;
  } finally {
    sub.unsubscribe();
  }
}
