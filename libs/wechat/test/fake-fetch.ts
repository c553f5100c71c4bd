/** A stand-in for WeChat at the HTTP boundary: answers from a queue and records every request. */
export interface RecordedRequest {
  method: string;
  url: URL;
  body: unknown;
}

export type FakeAnswer = { status?: number; json?: unknown; text?: string; delayMs?: number } | Error;

export class FakeWeChat {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: FakeAnswer[] = [];

  /** Queues answers, consumed in order; the last one repeats. */
  answer(...answers: FakeAnswer[]): this {
    this.answers.push(...answers);
    return this;
  }

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    this.requests.push({
      method: init?.method ?? 'GET',
      url,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const next = this.answers.length > 1 ? this.answers.shift()! : this.answers[0];
    if (!next) throw new Error('FakeWeChat has no answer queued');
    if (next instanceof Error) throw next;
    if (next.delayMs) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, next.delayMs);
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(init.signal?.reason);
        });
      });
    }
    return new Response(next.text ?? JSON.stringify(next.json ?? {}), { status: next.status ?? 200 });
  }) as typeof fetch;
}
