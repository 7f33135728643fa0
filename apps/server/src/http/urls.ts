/** The base URL the client used (or the configured public URL), for `url` and `links` fields. */
import type { Request } from 'express';

export function isoDate(ms: number): string;
export function isoDate(ms: number | null): string | null;
export function isoDate(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type BaseUrlResolver = (req: Request) => string;

export function baseUrlResolver(publicUrl: string | undefined): BaseUrlResolver {
  if (publicUrl) return () => publicUrl;
  return (req) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
