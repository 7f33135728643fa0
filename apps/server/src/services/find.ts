/** Looks a record up by SID, answering 404 (20404) for malformed and unknown SIDs alike. */
import { isSid, type SidPrefix } from '@onair/protocol';
import { ApiError } from './api-error.js';

export async function findBySid<T>(
  prefix: SidPrefix,
  sid: string,
  get: (sid: string) => Promise<T | undefined>,
  path: string,
): Promise<T> {
  const found = isSid(prefix, sid) ? await get(sid) : undefined;
  if (found === undefined) throw ApiError.notFound(`${path}/${sid}`);
  return found;
}
