/** The element with `id`, which the page's HTML must have (`page` names it in the error). */
export function byId<T extends HTMLElement>(id: string, page: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`${page} lacks #${id}`);
  return found as T;
}
