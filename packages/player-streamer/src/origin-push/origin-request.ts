/**
 * One request to the origin's push endpoint (node:http): a body streamed from buffers
 * (`Transfer-Encoding: chunked`), HTTP Basic auth, a deadline. Resolves with the status and
 * a short body; rejects only when there was no answer (connection refused or reset, timeout).
 */
import { request as httpRequest, type Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OriginAnswer {
  readonly status: number;
  readonly body: Buffer;
}

export interface OriginRequest {
  readonly method: 'PUT' | 'DELETE' | 'GET';
  readonly url: URL;
  readonly authorization: string;
  readonly body?: readonly Buffer[];
  readonly timeoutMs: number;
  readonly agent?: Agent | undefined;
  /** bodies of answers beyond this are cut (only errors and the snapshot are read) */
  readonly maxAnswerBytes: number;
}

export function basicAuthorization(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

export function originRequest(r: OriginRequest): Promise<OriginAnswer> {
  return new Promise((resolve, reject) => {
    const send = r.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(r.url, {
      method: r.method,
      headers: {
        Authorization: r.authorization,
        ...(r.body ? { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' } : {}),
      },
      ...(r.agent ? { agent: r.agent } : {}),
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${r.timeoutMs} ms`)), r.timeoutMs);
    timer.unref();
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= r.maxAnswerBytes) chunks.push(chunk);
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
      });
    });
    for (const chunk of r.body ?? []) if (chunk.length > 0) req.write(chunk);
    req.end();
  });
}
