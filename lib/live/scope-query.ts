/** GraphQL text for reading job-token scopes. Paths travel as variables so the query text stays small. */

const ENTRY_PAGE = 'nodes { id fullPath } pageInfo { hasNextPage endCursor }';
const AUTH_LOG_PAGE = 'count nodes { originProject { fullPath } lastAuthorizedAt } pageInfo { hasNextPage endCursor }';

function scopeFields(authLog: boolean, visibility: boolean): string {
  return [
    visibility ? 'id fullPath visibility' : 'id fullPath',
    'ciCdSettings { inboundJobTokenScopeEnabled }',
    'ciJobTokenScope {',
    '  inboundAllowlistCount groupsAllowlistCount',
    '  inboundAllowlistAutopopulatedIds groupAllowlistAutopopulatedIds',
    `  inboundAllowlist(first: $pf) { ${ENTRY_PAGE} }`,
    `  groupsAllowlist(first: $gf) { ${ENTRY_PAGE} }`,
    '}',
    // The project's age bounds how far back its log can reach (suggest: too young to judge).
    ...(authLog ? ['createdAt', `ciJobTokenAuthLogs(first: $af) { ${AUTH_LOG_PAGE} }`] : []),
  ].join('\n      ');
}

/**
 * Up to 50 projects by full path, each with its toggle, counts and the first
 * page of each list (and its visibility when asked); `queryComplexity` tells
 * the engine GitLab's own score and limit.
 */
export function scopesQuery(authLog: boolean, visibility = false): string {
  const vars = `$paths: [String!]!, $n: Int!, $after: String, $pf: Int!, $gf: Int!${authLog ? ', $af: Int!' : ''}`;
  return `query TokenscopeScopes(${vars}) {
  queryComplexity { score limit }
  projects(fullPaths: $paths, first: $n, after: $after) {
    nodes {
      ${scopeFields(authLog, visibility)}
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
}

export type ListName = 'inboundAllowlist' | 'groupsAllowlist' | 'ciJobTokenAuthLogs';

/** The next page of one list of one project. */
export function pageQuery(list: ListName): string {
  const inner = list === 'ciJobTokenAuthLogs'
    ? `ciJobTokenAuthLogs(first: $n, after: $after) { ${AUTH_LOG_PAGE} }`
    : `ciJobTokenScope { ${list}(first: $n, after: $after) { ${ENTRY_PAGE} } }`;
  return `query TokenscopePage($path: ID!, $n: Int!, $after: String) {
  project(fullPath: $path) { ${inner} }
}`;
}

/** Resolves full paths to ids: projects through `projects(fullPaths:)`, groups through aliased `group(fullPath:)`. */
export function projectIdsQuery(visibility = false): string {
  return `query TokenscopeProjectIds($paths: [String!]!, $n: Int!, $after: String) {
  projects(fullPaths: $paths, first: $n, after: $after) { nodes { id fullPath${visibility ? ' visibility' : ''} } pageInfo { hasNextPage endCursor } }
}`;
}

export function groupIdsQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$g${i}: ID!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `  g${i}: group(fullPath: $g${i}) { id fullPath }`).join('\n');
  return `query TokenscopeGroupIds(${vars}) {\n${fields}\n}`;
}

/** Resolves numeric ids to full paths (`Query.projects(ids:)` takes global ids). */
export function projectPathsQuery(): string {
  return `query TokenscopeProjectPaths($ids: [ID!]!, $n: Int!, $after: String) {
  projects(ids: $ids, first: $n, after: $after) { nodes { id fullPath } pageInfo { hasNextPage endCursor } }
}`;
}

export function groupPathsQuery(): string {
  return `query TokenscopeGroupPaths($ids: [ID!]!, $n: Int!, $after: String) {
  groups(ids: $ids, first: $n, after: $after) { nodes { id fullPath } pageInfo { hasNextPage endCursor } }
}`;
}
