/**
 * The REST calls the GitLab provider makes, shaped as gitlab.com/gitlab-org/api/client-go
 * makes them: base URL `<base_url>` with `api/v4/` added when missing, the token
 * as `Authorization: Bearer` (the provider's OAuthTokenSource), ids escaped
 * with `PathEscape` (`.` as `%2E`), JSON bodies, `page`/`per_page` queries,
 * `X-Next-Page` for paging, and errors worded as client-go's `ErrorResponse`:
 * `POST https://host/api/v4/projects/acme/web/job_token_scope/allowlist: 400 {error: id is invalid}`.
 * Every request goes through the project's one HTTP client (lib/gitlab/http.ts).
 */
import { ExchangeInfo, GitLabHttp, GitLabHttpError, GitLabResponse } from '../../gitlab/http';

export const DEFAULT_BASE_URL = 'https://gitlab.com/api/v4/';

/** client-go's `setBaseURL`: a trailing slash, then `api/v4/` unless the path already ends so. */
export function clientGoBaseUrl(raw: string): string {
  let s = raw.trim();
  if (!s.endsWith('/')) s += '/';
  const u = new URL(s);
  if (!u.pathname.endsWith('api/v4/')) u.pathname += 'api/v4/';
  return u.toString();
}

/** client-go `PathEscape`: url.PathEscape, and dots escaped too. */
export function pathEscape(id: string | number): string {
  return encodeURIComponent(String(id)).replace(/\./g, '%2E');
}

/** client-go `parseError`: maps as `{key: value}` sorted, arrays as `[a, b]`. */
export function parseGoError(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return `[${raw.map(parseGoError).join(', ')}]`;
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).map(([k, v]) => `{${k}: ${parseGoError(v)}}`).sort().join(', ');
  }
  return `failed to parse unexpected error type: ${typeof raw === 'number' ? 'float64' : typeof raw === 'boolean' ? 'bool' : '<nil>'}`;
}

/** An HTTP status client-go treats as failure, with its error text. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number | undefined) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  readonly items: T[];
  /** 0 when there is no next page (client-go's `resp.NextPage`). */
  readonly nextPage: number;
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetchImpl?: typeof fetch;
  readonly onExchange?: (e: ExchangeInfo) => void;
}

const OK_STATUS = new Set([200, 201, 202, 204, 304]);

export class GitLabApiClient {
  private readonly http: GitLabHttp;
  private readonly base: URL;

  constructor(opts: ClientOptions) {
    this.base = new URL(clientGoBaseUrl(opts.baseUrl));
    this.http = new GitLabHttp({
      baseUrl: this.base.toString().replace(/\/$/, ''),
      token: opts.token,
      auth: 'bearer',
      fetchImpl: opts.fetchImpl,
      onExchange: opts.onExchange,
    });
  }

  /** The token masked, for any text that might carry it. */
  mask(text: string): string {
    return this.http.mask(text);
  }

  private async call(method: string, path: string, opts: { query?: Record<string, number>; json?: unknown } = {}): Promise<GitLabResponse> {
    let res: GitLabResponse;
    try {
      res = await this.http.request(method, path, { query: opts.query, json: opts.json });
    } catch (err) {
      const msg = err instanceof GitLabHttpError ? err.message : String((err as Error)?.message ?? err);
      throw new ApiError(this.http.mask(msg), undefined);
    }
    if (OK_STATUS.has(res.status)) return res;
    const shownPath = decodeURIComponent(new URL(res.url).pathname);
    const where = `${method} ${this.base.protocol}//${this.base.host}${shownPath}: ${res.status}`;
    let message = '';
    if (res.text.trim() !== '') message = res.isJson ? parseGoError(res.json) : `failed to parse unknown error format: ${res.text}`;
    throw new ApiError(this.http.mask(message ? `${where} ${message}` : where), res.status);
  }

  private async json<T>(method: string, path: string, opts: { query?: Record<string, number>; json?: unknown } = {}): Promise<{ body: T; res: GitLabResponse }> {
    const res = await this.call(method, path, opts);
    if (res.status === 204 || res.text.trim() === '') return { body: undefined as T, res };
    if (!res.isJson) throw new ApiError(this.http.mask(`${method} ${path}: the answer is not JSON`), res.status);
    return { body: res.json as T, res };
  }

  private async page<T>(path: string, page: number, perPage: number): Promise<Page<T>> {
    const { body, res } = await this.json<T[]>('GET', path, { query: { page, per_page: perPage } });
    const next = Number(res.headers.get('x-next-page') ?? '');
    return { items: Array.isArray(body) ? body : [], nextPage: Number.isInteger(next) && next > 0 ? next : 0 };
  }

  currentUser(): Promise<unknown> {
    return this.json('GET', '/user').then((r) => r.body);
  }

  applicationSettings(): Promise<Record<string, unknown>> {
    return this.json<Record<string, unknown>>('GET', '/application/settings').then((r) => r.body);
  }

  jobTokenAccessSettings(project: string): Promise<{ inbound_enabled: boolean }> {
    return this.json<{ inbound_enabled: boolean }>('GET', `/projects/${pathEscape(project)}/job_token_scope`).then((r) => r.body);
  }

  async patchJobTokenAccessSettings(project: string, enabled: boolean): Promise<void> {
    await this.call('PATCH', `/projects/${pathEscape(project)}/job_token_scope`, { json: { enabled } });
  }

  inboundAllowlist(project: string, page: number, perPage: number): Promise<Page<{ id: number; path_with_namespace: string }>> {
    return this.page(`/projects/${pathEscape(project)}/job_token_scope/allowlist`, page, perPage);
  }

  groupsAllowlist(project: string, page: number, perPage: number): Promise<Page<{ id: number }>> {
    return this.page(`/projects/${pathEscape(project)}/job_token_scope/groups_allowlist`, page, perPage);
  }

  addProjectToAllowlist(project: string, targetProjectId: number): Promise<{ target_project_id: number }> {
    return this.json<{ target_project_id: number }>('POST', `/projects/${pathEscape(project)}/job_token_scope/allowlist`, { json: { target_project_id: targetProjectId } })
      .then((r) => r.body);
  }

  async removeProjectFromAllowlist(project: string, targetProjectId: number): Promise<void> {
    await this.call('DELETE', `/projects/${pathEscape(project)}/job_token_scope/allowlist/${targetProjectId}`);
  }

  addGroupToAllowlist(project: string, targetGroupId: number): Promise<{ target_group_id: number }> {
    return this.json<{ target_group_id: number }>('POST', `/projects/${pathEscape(project)}/job_token_scope/groups_allowlist`, { json: { target_group_id: targetGroupId } })
      .then((r) => r.body);
  }

  async removeGroupFromAllowlist(project: string, targetGroupId: number): Promise<void> {
    await this.call('DELETE', `/projects/${pathEscape(project)}/job_token_scope/groups_allowlist/${targetGroupId}`);
  }

  project(id: string): Promise<Record<string, unknown>> {
    return this.json<Record<string, unknown>>('GET', `/projects/${pathEscape(id)}`).then((r) => r.body);
  }

  projectPushRules(id: string): Promise<Record<string, unknown> | undefined> {
    return this.json<Record<string, unknown> | undefined>('GET', `/projects/${pathEscape(id)}/push_rules`).then((r) => r.body);
  }

  group(id: string): Promise<Record<string, unknown>> {
    return this.json<Record<string, unknown>>('GET', `/groups/${pathEscape(id)}`).then((r) => r.body);
  }
}
