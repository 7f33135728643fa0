/**
 * Twilio's list paging: PageSize/Page/PageToken in, the `meta` envelope out.
 * Pages are keyset-based (stable while rows are added); the token names the
 * (date_created, sid) of the row the page starts after ("PA…") or before ("PB…").
 */
import { Limits, ListOrders, type ListOrder, type PageMeta } from '@onair/protocol';
import { z } from 'zod';
import type { Cursor, ListQuery } from '../store/repository.js';
import { ApiError } from '../services/api-error.js';
import { param } from './params.js';

export const pagingShape = {
  PageSize: param.int(1, Limits.pageSizeMax).optional(),
  Page: param.int(0, 1_000_000).optional(),
  PageToken: param.string(200).optional(),
};
export const orderShape = { Order: param.oneOf(ListOrders).optional() };

export interface PageRequest {
  pageSize: number;
  page: number;
  order: ListOrder;
  after?: Cursor;
  before?: Cursor;
}

function encodeToken(kind: 'PA' | 'PB', c: Cursor): string {
  return kind + Buffer.from(`${c.dateCreated}:${c.sid}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): { kind: 'PA' | 'PB'; cursor: Cursor } {
  const kind = token.slice(0, 2);
  const [ms, sid, extra] = Buffer.from(token.slice(2), 'base64url').toString('utf8').split(':');
  if ((kind !== 'PA' && kind !== 'PB') || extra !== undefined || !ms || !/^\d+$/.test(ms) || !sid || !/^[A-Z]{2}[0-9a-f]{32}$/.test(sid)) {
    throw ApiError.invalidParameter('Invalid parameter PageToken: not a token this server issued', {
      parameter: 'PageToken',
    });
  }
  return { kind, cursor: { dateCreated: Number(ms), sid } };
}

type PagingParams = { PageSize?: number; Page?: number; PageToken?: string; Order?: ListOrder };

export function pageRequest(params: PagingParams, defaultOrder: ListOrder = 'desc'): PageRequest {
  const req: PageRequest = {
    pageSize: params.PageSize ?? Limits.pageSizeDefault,
    page: params.Page ?? 0,
    order: params.Order ?? defaultOrder,
  };
  if (params.PageToken !== undefined) {
    const { kind, cursor } = decodeToken(params.PageToken);
    if (kind === 'PA') req.after = cursor;
    else req.before = cursor;
  }
  return req;
}

/** The store query for a page: one row more than the page, to know whether another follows. */
export function listQuery<F>(filter: F, req: PageRequest): ListQuery<F> {
  return {
    filter,
    order: req.order,
    limit: req.pageSize + 1,
    ...(req.after ? { after: req.after } : {}),
    ...(req.before ? { before: req.before } : {}),
    ...(!req.after && !req.before ? { offset: req.page * req.pageSize } : {}),
  };
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

/**
 * Cuts the fetched rows to one page and builds Twilio's meta. `listUrl` is the absolute
 * list URL; `filters` are the wire-named filter parameters to carry to every page link.
 */
export function buildPage<T extends { sid: string; dateCreated: number }>(
  rows: T[],
  req: PageRequest,
  key: string,
  listUrl: string,
  filters: Record<string, string | undefined>,
  withOrder: boolean,
): Page<T> {
  const backwards = req.before !== undefined;
  const more = rows.length > req.pageSize;
  const items = backwards ? rows.slice(Math.max(0, rows.length - req.pageSize)) : rows.slice(0, req.pageSize);
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more || req.page > 0 : req.page > 0 || req.after !== undefined;

  const link = (extra: Record<string, string>) => {
    const u = new URL(listUrl);
    for (const [k, v] of Object.entries(filters)) if (v !== undefined) u.searchParams.set(k, v);
    if (withOrder) u.searchParams.set('Order', req.order);
    u.searchParams.set('PageSize', String(req.pageSize));
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    return u.toString();
  };
  const first = items[0];
  const last = items[items.length - 1];
  const current: Record<string, string> = { Page: String(req.page) };
  if (req.after) current.PageToken = encodeToken('PA', req.after);
  if (req.before) current.PageToken = encodeToken('PB', req.before);
  return {
    items,
    meta: {
      page: req.page,
      page_size: req.pageSize,
      first_page_url: link({ Page: '0' }),
      previous_page_url:
        hasPrev && first
          ? link({ Page: String(Math.max(0, req.page - 1)), PageToken: encodeToken('PB', first) })
          : null,
      url: link(current),
      next_page_url:
        hasNext && last ? link({ Page: String(req.page + 1), PageToken: encodeToken('PA', last) }) : null,
      key,
    },
  };
}

export type PagingShape = typeof pagingShape;
export type { z };
