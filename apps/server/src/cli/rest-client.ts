/**
 * A tiny client for onair's public REST API, for the operator commands: HTTP Basic with
 * an API key, form-encoded bodies, Twilio error JSON turned into RestError, no answer
 * turned into UnreachableError. It never sees the store.
 */

export type Json = Record<string, unknown>;
export type Params = Record<string, string | number | boolean | undefined>;

/** The server answered with an error (Twilio's `{code, message, status}`). */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The server could not be reached (refused, DNS, timeout). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

export interface RestClientOptions {
  baseUrl: string;
  apiKeySid: string;
  apiSecret: string;
  /** Gives up on one request after this many ms; default 15000. */
  timeoutMs?: number;
}

export class RestClient {
  readonly baseUrl: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;

  constructor(opts: RestClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#authorization = `Basic ${Buffer.from(`${opts.apiKeySid}:${opts.apiSecret}`).toString('base64')}`;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
  }

  get(path: string, query: Params = {}): Promise<Json> {
    const q = form(query).toString();
    return this.request('GET', q ? `${path}?${q}` : path);
  }

  post(path: string, body: Params = {}): Promise<Json> {
    return this.request('POST', path, form(body).toString());
  }

  /** Every record of a paged list, following `meta.next_page_url` (its path, on this server). */
  async list(path: string, query: Params = {}): Promise<Json[]> {
    const records: Json[] = [];
    let page = await this.get(path, { PageSize: 100, ...query });
    for (;;) {
      const meta = (page.meta ?? {}) as { key?: string; next_page_url?: string | null };
      const items = meta.key ? page[meta.key] : undefined;
      if (!Array.isArray(items)) throw new RestError(200, undefined, `unexpected list answer from ${path}`);
      records.push(...(items as Json[]));
      if (!meta.next_page_url) return records;
      const next = new URL(meta.next_page_url);
      page = await this.request('GET', next.pathname + next.search);
    }
  }

  async request(method: string, path: string, body?: string): Promise<Json> {
    const url = this.baseUrl + path;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: this.#authorization,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new UnreachableError(unreachableMessage(this.baseUrl, err, this.#timeoutMs));
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = (json ?? {}) as { code?: unknown; message?: unknown };
      const message = typeof e.message === 'string' ? e.message : `HTTP ${res.status} from ${method} ${path}`;
      throw new RestError(res.status, typeof e.code === 'number' ? e.code : undefined, message);
    }
    if (!json || typeof json !== 'object') {
      throw new RestError(res.status, undefined, `${method} ${path} did not answer JSON; is ${this.baseUrl} an onair server?`);
    }
    return json as Json;
  }
}

function form(params: Params): URLSearchParams {
  const f = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) f.append(k, String(v));
  return f;
}

function unreachableMessage(baseUrl: string, err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `the onair server at ${baseUrl} did not answer within ${timeoutMs / 1000} s`;
  const why = e?.cause?.code ?? e?.cause?.message ?? (err instanceof Error ? err.message : String(err));
  return `cannot reach the onair server at ${baseUrl} (${why}); is \`onair serve\` running? Set the address with --url or ONAIR_URL`;
}
