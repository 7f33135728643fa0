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

  /** One resource (its answer must carry a `sid`). */
  get(path: string, query: Params = {}): Promise<Json> {
    const q = form(query).toString();
    return this.request('GET', q ? `${path}?${q}` : path).then((json) => resource(json, 'GET', path, this.baseUrl));
  }

  /** Creates or updates one resource (its answer must carry a `sid`). */
  post(path: string, body: Params = {}): Promise<Json> {
    return this.request('POST', path, form(body).toString()).then((json) => resource(json, 'POST', path, this.baseUrl));
  }

  /** Every record of a paged list, following `meta.next_page_url` (its path, on this server). */
  async list(path: string, query: Params = {}): Promise<Json[]> {
    const records: Json[] = [];
    const q = form({ PageSize: 100, ...query }).toString();
    let page = await this.request('GET', `${path}?${q}`);
    for (;;) {
      const meta = (page.meta ?? {}) as { key?: string; next_page_url?: string | null };
      const items = typeof meta.key === 'string' ? page[meta.key] : undefined;
      if (!Array.isArray(items) || !items.every(isJsonObject)) throw unexpectedList(path);
      records.push(...items);
      if (!meta.next_page_url) return records;
      if (typeof meta.next_page_url !== 'string' || !URL.canParse(meta.next_page_url)) throw unexpectedList(path);
      const next = new URL(meta.next_page_url);
      page = await this.request('GET', next.pathname + next.search);
    }
  }

  async request(method: string, path: string, body?: string): Promise<Json> {
    const url = this.baseUrl + path;
    let res: Response;
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
    } catch (err) {
      throw new UnreachableError(unreachableMessage(this.baseUrl, err, this.#timeoutMs));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      // it answered, then the connection broke (reset, truncated body) or the time ran out
      throw new UnreachableError(brokenAnswerMessage(this.baseUrl, method, path, err, this.#timeoutMs));
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
    if (!isJsonObject(json)) throw notOnair(method, path, this.baseUrl, res.status);
    return json;
  }
}

const isJsonObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const notOnair = (method: string, path: string, baseUrl: string, status = 200) =>
  new RestError(status, undefined, `${method} ${path} did not answer an onair resource; is ${baseUrl} an onair server?`);

/** The API answers every fetch, create and update with the resource, which has a SID. */
function resource(json: Json, method: string, path: string, baseUrl: string): Json {
  if (typeof json.sid !== 'string') throw notOnair(method, path.split('?')[0]!, baseUrl);
  return json;
}

const unexpectedList = (path: string) => new RestError(200, undefined, `unexpected list answer from ${path}`);

function brokenAnswerMessage(baseUrl: string, method: string, path: string, err: unknown, timeoutMs: number): string {
  const e = err as { name?: string };
  if (e?.name === 'TimeoutError') return `the onair server at ${baseUrl} did not finish its answer within ${timeoutMs / 1000} s`;
  return `the onair server at ${baseUrl} broke off its answer to ${method} ${path} (the connection closed before it was complete)`;
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
