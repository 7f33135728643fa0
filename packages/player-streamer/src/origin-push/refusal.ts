/**
 * Why the origin's push endpoint refused a request: an HTTP status and a Twilio error code,
 * answered as Twilio's error JSON `{code, message, more_info, status}`.
 */
import type { ServerResponse } from 'node:http';
import { ErrorCode, moreInfoUrl, type TwilioErrorBody } from '@onair/protocol';

export class OriginRefusal extends Error {
  override readonly name = 'OriginRefusal';

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get body(): TwilioErrorBody {
    return { code: this.code, message: this.message, more_info: moreInfoUrl(this.code), status: this.status };
  }

  static unauthorized(): OriginRefusal {
    return new OriginRefusal(401, ErrorCode.Authentication, 'Authenticate with HTTP Basic: an API key SID and its secret', {
      'WWW-Authenticate': 'Basic realm="onair origin"',
    });
  }

  static notFound(message = 'No such origin resource'): OriginRefusal {
    return new OriginRefusal(404, ErrorCode.NotFound, message);
  }

  static invalid(message: string): OriginRefusal {
    return new OriginRefusal(400, ErrorCode.InvalidParameter, message);
  }

  static method(allowed: string): OriginRefusal {
    return new OriginRefusal(405, ErrorCode.MethodNotAllowed, `Method not allowed here; allowed: ${allowed}`, { Allow: allowed });
  }

  static tooLarge(maxBytes: number): OriginRefusal {
    return new OriginRefusal(413, ErrorCode.PayloadTooLarge, `The file is larger than the ${maxBytes} bytes allowed`, { Connection: 'close' });
  }

  static busy(max: number): OriginRefusal {
    return new OriginRefusal(429, ErrorCode.TooManyRequests, `The origin already receives ${max} files at once; retry`, { 'Retry-After': '1' });
  }

  /** The body stopped (cut, or idle too long): nothing was stored. */
  static incomplete(message: string): OriginRefusal {
    return new OriginRefusal(400, ErrorCode.InvalidParameter, message, { Connection: 'close' });
  }

  static internal(): OriginRefusal {
    return new OriginRefusal(500, ErrorCode.InternalError, 'The origin could not store the file');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const json = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(json.length));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(json);
}
