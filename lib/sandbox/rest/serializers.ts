/** GitLab's REST entities (the fields clients read), built from the state model. */
import { groupAccessLevel } from '../access';
import { isExpired } from '../auth';
import type { Group, Note, Project, SandboxState, Token, User } from '../state';
import { groupWebUrl, projectWebUrl, SEED_TIME } from '../state';

export function namespaceJson(g: Group, baseUrl: string): Record<string, unknown> {
  return {
    id: g.id, name: g.name, path: g.path, kind: 'group', full_path: g.fullPath,
    parent_id: g.parent?.id ?? null, avatar_url: null, web_url: groupWebUrl(baseUrl, g),
  };
}

/** `Entities::BasicProjectDetails`: what the allowlist endpoint lists. */
export function basicProjectJson(state: SandboxState, p: Project, baseUrl: string): Record<string, unknown> {
  const host = new URL(baseUrl).host;
  return {
    id: p.id,
    description: null,
    name: p.name,
    name_with_namespace: state.nameWithNamespace(p),
    path: p.path,
    path_with_namespace: p.fullPath,
    created_at: p.createdAt,
    default_branch: 'main',
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host.split(':')[0]}:${p.fullPath}.git`,
    http_url_to_repo: `${baseUrl}/${p.fullPath}.git`,
    web_url: projectWebUrl(baseUrl, p),
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: p.createdAt,
    namespace: namespaceJson(p.namespace, baseUrl),
  };
}

function accessJson(level: number): Record<string, number> | null {
  return level > 0 ? { access_level: level, notification_level: 3 } : null;
}

/** `GET /projects/:id`: the basic fields plus settings and the caller's `permissions`. */
export function projectJson(state: SandboxState, p: Project, baseUrl: string, user: User | null): Record<string, unknown> {
  return {
    ...basicProjectJson(state, p, baseUrl),
    visibility: p.visibility,
    archived: false,
    empty_repo: false,
    ci_job_token_scope_enabled: p.outboundEnabled,
    ci_push_repository_for_job_token_allowed: p.pushRepositoryForJobTokenAllowed,
    _links: {
      self: `${baseUrl}/api/v4/projects/${p.id}`,
      members: `${baseUrl}/api/v4/projects/${p.id}/members`,
    },
    permissions: {
      project_access: user ? accessJson(p.members.get(user.id) ?? 0) : null,
      group_access: user ? accessJson(groupAccessLevel(p.namespace, user.id)) : null,
    },
  };
}

export function groupBasicJson(g: Group, baseUrl: string): Record<string, unknown> {
  return { id: g.id, name: g.name, web_url: groupWebUrl(baseUrl, g) };
}

export function userBasicJson(u: User, baseUrl: string): Record<string, unknown> {
  return { id: u.id, username: u.username, name: u.name, state: 'active', locked: false, avatar_url: null, web_url: `${baseUrl}/${u.username}` };
}

export function userJson(u: User, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...userBasicJson(u, baseUrl),
    created_at: SEED_TIME,
    bio: '',
    location: '',
    public_email: null,
    bot: u.bot,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
  };
  if (u.admin) out.is_admin = true;
  return out;
}

export function tokenSelfJson(t: Token, now: Date): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    revoked: t.revoked,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    scopes: t.scopes,
    user_id: t.userId,
    active: !t.revoked && !isExpired(t, now),
  };
}

export function noteJson(state: SandboxState, n: Note, project: Project, mrIid: number, baseUrl: string): Record<string, unknown> {
  const author = state.users.get(n.authorId)!;
  return {
    id: n.id,
    type: null,
    body: n.body,
    attachment: null,
    author: userBasicJson(author, baseUrl),
    created_at: n.createdAt,
    updated_at: n.updatedAt,
    system: false,
    noteable_id: project.id * 1000 + mrIid,
    noteable_type: 'MergeRequest',
    project_id: project.id,
    resolvable: false,
    confidential: false,
    internal: false,
    noteable_iid: mrIid,
  };
}

/** The running job behind a CI job token (`GET /job`). */
export function jobJson(state: SandboxState, t: Token, baseUrl: string): Record<string, unknown> {
  const project = state.projects.get(t.projectId!)!;
  const user = state.users.get(t.userId!)!;
  const sha = (`${t.jobId}`.repeat(40)).slice(0, 40).replace(/[^0-9a-f]/g, 'a');
  const pipelineId = t.jobId! + 50_000;
  return {
    id: t.jobId,
    status: t.jobStatus,
    stage: 'test',
    name: 'tokenscope',
    ref: 'main',
    tag: false,
    coverage: null,
    allow_failure: false,
    created_at: t.createdAt,
    started_at: t.createdAt,
    finished_at: null,
    erased_at: null,
    duration: null,
    queued_duration: 0.5,
    user: userBasicJson(user, baseUrl),
    commit: { id: sha, short_id: sha.slice(0, 8), title: 'Sandbox commit', created_at: t.createdAt },
    pipeline: {
      id: pipelineId, iid: 1, project_id: project.id, sha, ref: 'main', status: t.jobStatus, source: 'push',
      created_at: t.createdAt, updated_at: t.createdAt, web_url: `${baseUrl}/${project.fullPath}/-/pipelines/${pipelineId}`,
    },
    web_url: `${baseUrl}/${project.fullPath}/-/jobs/${t.jobId}`,
    project: { ci_job_token_scope_enabled: project.outboundEnabled },
    artifacts: [],
    runner: { id: 1, description: 'sandbox runner', ip_address: null, active: true, paused: false, is_shared: true, runner_type: 'instance_type', name: 'gitlab-runner', online: true, status: 'online' },
    artifacts_expire_at: null,
    tag_list: [],
  };
}
