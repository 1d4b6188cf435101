/**
 * An opt-in record of the API requests the sandbox answered (method, raw
 * path, query, status), for tests that assert a client's exact request
 * sequence. Bounded: the oldest entries go first. Never records headers or
 * bodies, so no token can end up in it.
 */
export interface RecordedRequest {
  readonly method: string;
  /** The path as sent, still URL-encoded (`/api/v4/projects/acme%2Fweb`). */
  readonly path: string;
  /** The query string without `?`, or "". */
  readonly query: string;
  readonly status: number;
}

export const REQUEST_LOG_LIMIT = 20_000;

export class RequestLog {
  private items: RecordedRequest[] = [];

  constructor(private readonly limit = REQUEST_LOG_LIMIT) {}

  add(entry: RecordedRequest): void {
    this.items.push(entry);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }

  entries(): RecordedRequest[] {
    return [...this.items];
  }

  clear(): void {
    this.items = [];
  }
}
