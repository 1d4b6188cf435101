/**
 * Relay connections over id-sorted arrays: keyset cursors (GitLab's shape,
 * base64 of `{"id":"12"}`), `first`/`last` capped at 100, real `pageInfo`.
 * Finding a cursor is a binary search, so paging through 10,000 items costs
 * O(log n + page) per request.
 */
import { GraphQLError } from 'graphql';
import { MAX_PAGE_SIZE } from './complexity';

export interface ConnectionArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface Connection<N> {
  readonly edges: { cursor: string; node: N }[];
  readonly nodes: N[];
  readonly pageInfo: PageInfo;
  /**
   * A method so that the (possibly O(n)) total is only computed when asked for.
   * `limit` (GitLab's `CountableConnectionType`): count at most `limit + 1`.
   */
  count(args?: { limit?: number | null }): number;
}

export function encodeCursor(key: number): string {
  return Buffer.from(JSON.stringify({ id: String(key) })).toString('base64');
}

export function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { id?: unknown };
    const id = Number(parsed.id);
    if (Number.isFinite(id)) return id;
  } catch {
    // fall through
  }
  throw new GraphQLError('Please provide a valid cursor');
}

/** Index of the first item whose key comes after `key` in the array's order. */
function firstAfter<T>(items: readonly T[], keyOf: (t: T) => number, key: number, desc: boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOf(items[mid]);
    if (desc ? k < key : k > key) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first item whose key is `key` or comes after it. */
function firstAtOrAfter<T>(items: readonly T[], keyOf: (t: T) => number, key: number, desc: boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOf(items[mid]);
    if (desc ? k <= key : k >= key) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function clampLimit(n: number | null | undefined, max: number): number | undefined {
  if (n === null || n === undefined) return undefined;
  if (n < 0) throw new GraphQLError('Argument \'first\' and \'last\' must be non-negative');
  return Math.min(n, max);
}

/** `count(limit:)`: GitLab validates `limit > 0` and answers at most `limit + 1`. */
export function limitedCount(total: number, limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return total;
  if (limit <= 0) throw new GraphQLError('limit must be greater than 0');
  return Math.min(total, limit + 1);
}

export interface PaginateOptions<T, N> {
  readonly keyOf: (item: T) => number;
  readonly toNode: (item: T) => N;
  /** Items that exist but the viewer may not see; skipped lazily while filling the page. */
  readonly visible?: (item: T) => boolean;
  /** Order of `items`: ascending keys (default) or descending. */
  readonly desc?: boolean;
  /** The field's max page size (`max_page_size`); default 100. */
  readonly maxPageSize?: number;
}

export function paginate<T, N>(items: readonly T[], args: ConnectionArgs, opts: PaginateOptions<T, N>): Connection<N> {
  const { keyOf, visible, desc = false } = opts;
  const max = opts.maxPageSize ?? MAX_PAGE_SIZE;
  const first = clampLimit(args.first, max);
  const last = clampLimit(args.last, max);
  const lo = args.after ? firstAfter(items, keyOf, decodeCursor(args.after), desc) : 0;
  const hi = args.before ? firstAtOrAfter(items, keyOf, decodeCursor(args.before), desc) : items.length;
  const ok = visible ?? (() => true);
  const picked: number[] = [];
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (last !== undefined && first === undefined) {
    for (let i = hi - 1; i >= lo; i--) {
      if (!ok(items[i])) continue;
      if (picked.length === last) { hasPreviousPage = true; break; }
      picked.push(i);
    }
    picked.reverse();
    hasNextPage = hi < items.length && hasVisible(items, hi, items.length, ok);
    if (!hasPreviousPage) hasPreviousPage = hasVisible(items, 0, lo, ok);
  } else {
    const limit = first ?? max;
    let i = lo;
    for (; i < hi; i++) {
      if (!ok(items[i])) continue;
      if (picked.length === limit) { hasNextPage = true; break; }
      picked.push(i);
    }
    if (!hasNextPage) hasNextPage = hasVisible(items, Math.max(i, hi), items.length, ok);
    if (last !== undefined && picked.length > last) {
      picked.splice(0, picked.length - last);
      hasPreviousPage = true;
    }
    hasPreviousPage = hasPreviousPage || hasVisible(items, 0, lo, ok);
  }
  const edges = picked.map((idx) => ({ cursor: encodeCursor(keyOf(items[idx])), node: opts.toNode(items[idx]) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    count: (countArgs) => limitedCount(visible ? items.filter(visible).length : items.length, countArgs?.limit),
  };
}

function hasVisible<T>(items: readonly T[], from: number, to: number, ok: (t: T) => boolean): boolean {
  for (let i = from; i < to; i++) if (ok(items[i])) return true;
  return false;
}
