/** GitLab's offset pagination for REST lists: `page`, `per_page` and the X-* and Link headers. */

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

export interface Page<T> {
  readonly items: T[];
  readonly headers: Record<string, string>;
}

function positiveInt(raw: string | null, fallback: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** @param requestUrl the absolute URL of the request, used to build the Link header. */
export function paginateOffset<T>(all: readonly T[], requestUrl: URL): Page<T> {
  const q = requestUrl.searchParams;
  const perPage = Math.min(positiveInt(q.get('per_page'), DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = positiveInt(q.get('page'), 1);
  const total = all.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const u = new URL(requestUrl.toString());
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(Math.min(page - 1, totalPages))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${link(page + 1)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`);
  links.push(`<${link(totalPages)}>; rel="last"`);
  return {
    items,
    headers: {
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Next-Page': page < totalPages ? String(page + 1) : '',
      'X-Prev-Page': page > 1 ? String(Math.min(page - 1, totalPages)) : '',
      'X-Total': String(total),
      'X-Total-Pages': String(totalPages),
      Link: links.join(', '),
    },
  };
}
