/** One list handler shape for every resource: parse paging, query the store, wrap in meta. */
import type { Request, Response } from 'express';
import type { ListOrder } from '@onair/protocol';
import { buildPage, listQuery, pageRequest } from '../http/paging.js';
import type { ListQuery } from '../store/repository.js';

export interface ListSpec<T, F> {
  key: string;
  /** list path under /v1, e.g. `/Rooms` */
  path: string;
  filter: F;
  /** wire-named filters to repeat in page links */
  wireFilters: Record<string, string | undefined>;
  paging: { PageSize?: number; Page?: number; PageToken?: string; Order?: ListOrder };
  withOrder: boolean;
  list(q: ListQuery<F>): Promise<T[]>;
  toJson(item: T, base: string): unknown;
}

export async function sendList<T extends { sid: string; dateCreated: number }, F>(
  req: Request,
  res: Response,
  base: string,
  spec: ListSpec<T, F>,
): Promise<void> {
  const page = pageRequest(spec.paging);
  const rows = await spec.list(listQuery(spec.filter, page));
  const { items, meta } = buildPage(rows, page, spec.key, `${base}/v1${spec.path}`, spec.wireFilters, spec.withOrder);
  res.status(200).json({ [spec.key]: items.map((i) => spec.toJson(i, base)), meta });
}

/** ISO string of an epoch-ms filter, for page links. */
export const wireDate = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
