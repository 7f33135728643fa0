/**
 * Parsing of Twilio-style form/query parameters (PascalCase, strings, repeated keys for
 * arrays) with zod. Every failure becomes a 400 with a message naming the parameter.
 */
import { z } from 'zod';
import { ApiError } from '../services/api-error.js';

type Raw = Record<string, unknown>;

/**
 * Epoch ms of an ISO-8601 date or date-time, or undefined. Unlike Date.parse alone, days
 * that do not exist (2020-02-30) are refused instead of rolling into the next month.
 */
export function parseIsoDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The value at `path` inside `root` (to tell a missing field from a wrongly typed one). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const custom = (ctx: z.RefinementCtx, message: string) => {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
};

export const param = {
  string: (max = 256) =>
    z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(max, `must be at most ${max} characters`),

  bool: () =>
    z.string({ error: 'must be true or false' }).transform((s, ctx) => {
      const v = s.toLowerCase();
      return v === 'true' ? true : v === 'false' ? false : custom(ctx, 'must be true or false');
    }),

  int: (min: number, max: number) =>
    z.string({ error: 'must be an integer' }).transform((s, ctx) => {
      if (!/^-?\d+$/.test(s.trim())) return custom(ctx, 'must be an integer');
      const n = Number(s);
      return n < min || n > max ? custom(ctx, `must be between ${min} and ${max}`) : n;
    }),

  oneOf: <const T extends readonly string[]>(values: T, opts: { caseInsensitive?: boolean } = {}) =>
    z.string({ error: `must be one of: ${values.join(', ')}` }).transform((s, ctx): T[number] => {
      const hit = values.find((v) => (opts.caseInsensitive ? v.toLowerCase() === s.toLowerCase() : v === s));
      return hit ?? custom(ctx, `must be one of: ${values.join(', ')} (got '${s.slice(0, 64)}')`);
    }),

  url: () =>
    z.string().max(2048, 'must be at most 2048 characters').transform((s, ctx) => {
      try {
        const u = new URL(s);
        if (u.protocol === 'http:' || u.protocol === 'https:') return s;
      } catch {
        /* fall through */
      }
      return custom(ctx, 'must be an absolute http(s) URL');
    }),

  date: () =>
    z.string({ error: 'must be an ISO-8601 date' }).transform((s, ctx) => {
      const ms = parseIsoDate(s);
      return ms === undefined ? custom(ctx, 'must be an ISO-8601 date such as 2026-11-22 or 2026-11-22T10:00:00Z') : ms;
    }),

  /** A parameter holding a JSON document (ExtensionContext, RecordingRules…). */
  json: (max = 16_384) =>
    z.string({ error: 'must be a JSON string' }).max(max, `must be at most ${max} characters`).transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (err) {
        return custom(ctx, `must be valid JSON (${(err as Error).message})`);
      }
    }),
};

/**
 * Validates `raw` against `shape`. Keys listed in `arrays` may repeat; any other key given
 * more than once is refused. Unknown keys are ignored, as Twilio does.
 */
export function parseParams<S extends z.ZodRawShape>(
  shape: S,
  raw: unknown,
  arrays: readonly string[] = [],
): z.output<z.ZodObject<S>> {
  const input: Raw = {};
  const source = (raw && typeof raw === 'object' ? raw : {}) as Raw;
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value === undefined) continue;
    if (arrays.includes(key)) {
      input[key] = Array.isArray(value) ? value : [value];
    } else if (Array.isArray(value)) {
      throw ApiError.invalidParameter(`Invalid parameter ${key}: must be given once`, { parameter: key });
    } else {
      input[key] = value;
    }
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.path.map(String).join('.') || 'body';
    const message =
      issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined
        ? `Missing required parameter ${name}`
        : `Invalid parameter ${name}: ${issue.message}`;
    throw ApiError.invalidParameter(message, { parameter: name });
  }
  return result.data;
}
