/** Why an OAuth callback does not sign the customer in; each has its own friendly page. */
export type OAuthProblem =
  | 'missing-parameters'
  | 'state-expired'
  | 'link-expired'
  | 'state-forged'
  | 'state-reused'
  | 'not-the-scanner'
  | 'unknown-session'
  | 'refused'
  | 'unavailable';

const STATUS: Record<OAuthProblem, number> = {
  'missing-parameters': 400,
  'state-expired': 400,
  'link-expired': 410,
  'state-forged': 403,
  'state-reused': 403,
  'not-the-scanner': 403,
  'unknown-session': 400,
  refused: 400,
  unavailable: 503,
};

/** The OAuth callback is refused (or cannot be completed now); nothing was bound. */
export class OAuthCallbackError extends Error {
  constructor(
    readonly problem: OAuthProblem,
    detail: string,
  ) {
    super(`OAuth callback refused (${problem}): ${detail}`);
    this.name = 'OAuthCallbackError';
  }

  get status(): number {
    return STATUS[this.problem];
  }
}
