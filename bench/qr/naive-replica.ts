import { Requests, type QrIssueRequest, type QrIssueResponse } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { testLogger, testNatsAuth } from '@mirror/testing';

const TOKEN_REJECTED = new Set([40001, 40014, 42001]);

/**
 * The baseline: a WeChat client as the `wechat-api` npm package builds one. The token lives in this
 * process's memory; whenever a call finds none that is valid it fetches one from /cgi-bin/token — every
 * concurrent caller does, there is no single flight and nothing shared between processes — and on
 * 40001/40014/42001 it fetches a new one and retries once.
 */
export class NaiveWeChatClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly apiBase: string,
    private readonly mpBase: string,
    private readonly appId: string,
    private readonly appSecret: string,
  ) {}

  async createQr(body: object): Promise<{ ticket: string; url: string; expire_seconds?: number }> {
    let json = await this.post('/cgi-bin/qrcode/create', await this.accessToken(), body);
    if (TOKEN_REJECTED.has(Number(json.errcode))) {
      json = await this.post('/cgi-bin/qrcode/create', await this.fetchToken(), body);
    }
    if (json.errcode) throw new Error(`qrcode/create errcode ${String(json.errcode)}`);
    return json as { ticket: string; url: string; expire_seconds?: number };
  }

  showUrl(ticket: string): string {
    return `${this.mpBase}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
  }

  private async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    return this.fetchToken();
  }

  private async fetchToken(): Promise<string> {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.appId,
      secret: this.appSecret,
    });
    const json = (await (await fetch(`${this.apiBase}/cgi-bin/token?${query}`)).json()) as {
      access_token?: string;
      expires_in?: number;
      errcode?: number;
    };
    if (!json.access_token) throw new Error(`token errcode ${String(json.errcode)}`);
    // wechat-api keeps a token until 10 s before WeChat says it expires
    this.token = {
      value: json.access_token,
      expiresAt: Date.now() + ((json.expires_in ?? 7200) - 10) * 1000,
    };
    return json.access_token;
  }

  private async post(path: string, token: string, body: object): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.apiBase}${path}?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    return (await response.json()) as Record<string, unknown>;
  }
}

/** One process of the baseline: its own NATS connection and its own in-memory token, serving `qr.issue`. */
export class NaiveReplica {
  private constructor(private readonly nats: NatsClient) {}

  static async start(options: {
    natsUrl: string;
    namespace: string;
    sandboxUrl: string;
    appId: string;
    appSecret: string;
  }): Promise<NaiveReplica> {
    const nats = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: options.natsUrl,
      name: 'naive-qr',
      namespace: options.namespace,
      logger: testLogger('naive-qr'),
    });
    const client = new NaiveWeChatClient(
      options.sandboxUrl,
      options.sandboxUrl,
      options.appId,
      options.appSecret,
    );
    nats.serve(Requests.qrIssue, async (request: QrIssueRequest): Promise<QrIssueResponse> => {
      const body =
        request.kind === 'QR_STR_SCENE'
          ? {
              action_name: request.kind,
              expire_seconds: request.expireSeconds,
              action_info: { scene: { scene_str: request.sceneStr } },
            }
          : { action_name: request.kind, action_info: { scene: { scene_id: request.sceneId } } };
      const created = await client.createQr(body);
      return {
        kind: request.kind,
        ticket: created.ticket,
        url: created.url,
        showUrl: client.showUrl(created.ticket),
      };
    });
    await nats.nc.flush();
    return new NaiveReplica(nats);
  }

  async stop(): Promise<void> {
    await this.nats.drain();
  }
}
