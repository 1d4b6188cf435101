/**
 * The sandbox's GraphQL schema: the part of GitLab's schema tokenscope uses,
 * with GitLab's type, field, argument and enum names and nullability.
 */
import { buildASTSchema, buildSchema, DocumentNode, GraphQLSchema, parse, visit } from 'graphql';

/** The pagination arguments graphql-ruby adds to every connection field. */
const PAGE_ARGS = 'first: Int, after: String, last: Int, before: String';

/** graphql-ruby's generated `<Node>Connection` and `<Node>Edge`; GitLab adds `count` to some connections. */
function connection(node: string, opts: { count?: boolean } = {}): string {
  return `type ${node}Connection {
${opts.count ? '  count: Int!\n' : ''}  edges: [${node}Edge]
  nodes: [${node}]
  pageInfo: PageInfo!
}

type ${node}Edge {
  cursor: String!
  node: ${node}
}`;
}

/** `CiJobTokenAccessibleProject` and `CiJobTokenAccessibleGroup` have the same fields in GitLab's schema. */
const ACCESSIBLE_FIELDS = `  avatarUrl: String
  fullPath: ID!
  id: ID!
  name: String!
  path: String!
  webUrl: String`;

/** `UserCore` and `CurrentUser` share these fields (CurrentUser has more in GitLab; the sandbox serves these). */
const USER_FIELDS = `  avatarUrl: String
  bot: Boolean!
  id: UserID!
  name: String!
  publicEmail: String
  state: UserState!
  username: String!
  webUrl: String!`;

export const SCHEMA_SDL = /* GraphQL */ `
scalar Time
scalar ProjectID
scalar GroupID
scalar UserID

type Query {
  project(fullPath: ID!): Project
  projects(fullPaths: [String!], ids: [ID!], membership: Boolean, search: String,
           ${PAGE_ARGS}): ProjectConnection
  group(fullPath: ID!): Group
  groups(ids: [ID!], search: String, ${PAGE_ARGS}): GroupConnection
  currentUser: CurrentUser
  queryComplexity: QueryComplexity
  metadata: Metadata
}

type QueryComplexity {
  limit: Int
  score: Int
}

type Metadata {
  enterprise: Boolean!
  revision: String!
  version: String!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

enum UserState { active blocked deactivated banned ldap_blocked blocked_pending_approval }

type UserCore {
${USER_FIELDS}
}

type CurrentUser {
${USER_FIELDS}
}

type Group {
  fullName: String!
  fullPath: ID!
  id: ID!
  name: String!
  parent: Group
  path: String!
  projects(includeSubgroups: Boolean = false, search: String,
           ${PAGE_ARGS}): ProjectConnection!
  visibility: String
  webUrl: String!
}

type Project {
  archived: Boolean
  ciCdSettings: ProjectCiCdSetting
  ciJobTokenAuthLogs(${PAGE_ARGS}): CiJobTokenAuthLogConnection
  ciJobTokenScope: CiJobTokenScopeType
  ciJobTokenScopeAllowlist: CiJobTokenScopeAllowlist
  fullPath: ID!
  group: Group
  id: ID!
  name: String!
  nameWithNamespace: String!
  path: String!
  visibility: String
  webUrl: String
}

${connection('Project', { count: true })}

${connection('Group')}

type ProjectCiCdSetting {
  inboundJobTokenScopeEnabled: Boolean
  jobTokenScopeEnabled: Boolean
  project: Project
  pushRepositoryForJobTokenAllowed: Boolean
}

type CiJobTokenScopeType {
  groupAllowlistAutopopulatedIds: [GroupID!]!
  groupsAllowlist(${PAGE_ARGS}): CiJobTokenAccessibleGroupConnection!
  groupsAllowlistCount: Int!
  inboundAllowlist(${PAGE_ARGS}): CiJobTokenAccessibleProjectConnection!
  inboundAllowlistAutopopulatedIds: [ProjectID!]!
  inboundAllowlistCount: Int!
  outboundAllowlist(${PAGE_ARGS}): ProjectConnection!
  projects(${PAGE_ARGS}): ProjectConnection!
    @deprecated(reason: "The \`projects\` attribute is being deprecated. Use \`outbound_allowlist\`. Deprecated in GitLab 15.9.")
}

type CiJobTokenAccessibleProject {
${ACCESSIBLE_FIELDS}
}

${connection('CiJobTokenAccessibleProject')}

type CiJobTokenAccessibleGroup {
${ACCESSIBLE_FIELDS}
}

${connection('CiJobTokenAccessibleGroup')}

union CiJobTokenScopeTarget = CiJobTokenAccessibleGroup | CiJobTokenAccessibleProject

enum CiJobTokenScopePolicies {
  READ_CONTAINERS @deprecated(reason: "Container registry access is no longer controlled by fine-grained job token permissions. Deprecated in GitLab 18.4.")
  ADMIN_CONTAINERS @deprecated(reason: "Container registry access is no longer controlled by fine-grained job token permissions. Deprecated in GitLab 18.4.")
  READ_DEPLOYMENTS
  ADMIN_DEPLOYMENTS
  READ_ENVIRONMENTS
  ADMIN_ENVIRONMENTS
  READ_JOBS
  ADMIN_JOBS
  READ_PACKAGES
  ADMIN_PACKAGES
  READ_RELEASES
  ADMIN_RELEASES
  READ_SECURE_FILES
  ADMIN_SECURE_FILES
  READ_TERRAFORM_STATE
  ADMIN_TERRAFORM_STATE
  READ_MERGE_REQUESTS
  READ_PIPELINES
  ADMIN_PIPELINES
  READ_REPOSITORIES
  READ_WORK_ITEMS
}

type CiJobTokenScopeAllowlist {
  groupsAllowlist(${PAGE_ARGS}): CiJobTokenScopeAllowlistEntryConnection
  projectsAllowlist(${PAGE_ARGS}): CiJobTokenScopeAllowlistEntryConnection
}

type CiJobTokenScopeAllowlistEntry {
  addedBy: UserCore
  autopopulated: Boolean
  createdAt: Time!
  defaultPermissions: Boolean
  direction: String
  jobTokenPolicies: [CiJobTokenScopePolicies!]
  sourceProject: Project!
  target: CiJobTokenScopeTarget
}

${connection('CiJobTokenScopeAllowlistEntry', { count: true })}

type CiJobTokenAuthLog {
  lastAuthorizedAt: Time!
  originProject: CiJobTokenAccessibleProject!
}

${connection('CiJobTokenAuthLog', { count: true })}

enum CiJobTokenScopeDirection { OUTBOUND INBOUND }

type Mutation {
  ciJobTokenScopeAddGroupOrProject(input: CiJobTokenScopeAddGroupOrProjectInput!): CiJobTokenScopeAddGroupOrProjectPayload
  ciJobTokenScopeAddProject(input: CiJobTokenScopeAddProjectInput!): CiJobTokenScopeAddProjectPayload
  ciJobTokenScopeAutopopulateAllowlist(input: CiJobTokenScopeAutopopulateAllowlistInput!): CiJobTokenScopeAutopopulateAllowlistPayload
  ciJobTokenScopeClearAllowlistAutopopulations(input: CiJobTokenScopeClearAllowlistAutopopulationsInput!): CiJobTokenScopeClearAllowlistAutopopulationsPayload
  ciJobTokenScopeRemoveGroup(input: CiJobTokenScopeRemoveGroupInput!): CiJobTokenScopeRemoveGroupPayload
  ciJobTokenScopeRemoveProject(input: CiJobTokenScopeRemoveProjectInput!): CiJobTokenScopeRemoveProjectPayload
  ciJobTokenScopeUpdatePolicies(input: CiJobTokenScopeUpdatePoliciesInput!): CiJobTokenScopeUpdatePoliciesPayload
  projectCiCdSettingsUpdate(input: ProjectCiCdSettingsUpdateInput!): ProjectCiCdSettingsUpdatePayload
}

input CiJobTokenScopeAddGroupOrProjectInput {
  clientMutationId: String
  defaultPermissions: Boolean
  jobTokenPolicies: [CiJobTokenScopePolicies!]
  projectPath: ID!
  targetPath: ID!
}

type CiJobTokenScopeAddGroupOrProjectPayload {
  ciJobTokenScope: CiJobTokenScopeType
  ciJobTokenScopeAllowlistEntry: CiJobTokenScopeAllowlistEntry
  clientMutationId: String
  errors: [String!]!
}

input CiJobTokenScopeAddProjectInput {
  clientMutationId: String
  direction: CiJobTokenScopeDirection
  projectPath: ID!
  targetProjectPath: ID!
}

type CiJobTokenScopeAddProjectPayload {
  ciJobTokenScope: CiJobTokenScopeType
  ciJobTokenScopeAllowlistEntry: CiJobTokenScopeAllowlistEntry
  clientMutationId: String
  errors: [String!]!
}

input CiJobTokenScopeRemoveProjectInput {
  clientMutationId: String
  direction: CiJobTokenScopeDirection
  projectPath: ID!
  targetProjectPath: ID!
}

type CiJobTokenScopeRemoveProjectPayload {
  ciJobTokenScope: CiJobTokenScopeType
  clientMutationId: String
  errors: [String!]!
}

input CiJobTokenScopeRemoveGroupInput {
  clientMutationId: String
  projectPath: ID!
  targetGroupPath: ID!
}

type CiJobTokenScopeRemoveGroupPayload {
  ciJobTokenScope: CiJobTokenScopeType
  ciJobTokenScopeAllowlistEntry: CiJobTokenScopeAllowlistEntry
  clientMutationId: String
  errors: [String!]!
}

input CiJobTokenScopeUpdatePoliciesInput {
  clientMutationId: String
  defaultPermissions: Boolean!
  jobTokenPolicies: [CiJobTokenScopePolicies!]!
  projectPath: ID!
  targetPath: ID!
}

type CiJobTokenScopeUpdatePoliciesPayload {
  ciJobTokenScopeAllowlistEntry: CiJobTokenScopeAllowlistEntry
  clientMutationId: String
  errors: [String!]!
}

input CiJobTokenScopeAutopopulateAllowlistInput {
  clientMutationId: String
  projectPath: ID!
}

type CiJobTokenScopeAutopopulateAllowlistPayload {
  clientMutationId: String
  errors: [String!]!
  status: String!
}

input CiJobTokenScopeClearAllowlistAutopopulationsInput {
  clientMutationId: String
  projectPath: ID!
}

type CiJobTokenScopeClearAllowlistAutopopulationsPayload {
  clientMutationId: String
  errors: [String!]!
  status: String!
}

input ProjectCiCdSettingsUpdateInput {
  clientMutationId: String
  fullPath: ID!
  inboundJobTokenScopeEnabled: Boolean
  jobTokenScopeEnabled: Boolean
  pushRepositoryForJobTokenAllowed: Boolean
}

type ProjectCiCdSettingsUpdatePayload {
  ciCdSettings: ProjectCiCdSetting!
  clientMutationId: String
  errors: [String!]!
}
`;

/** The release that made fine-grained job-token permissions GA; older instances' schemas lack them. */
export const POLICIES_SINCE: readonly [number, number] = [18, 3];

const POLICY_TYPES = new Set(['CiJobTokenScopePolicies', 'CiJobTokenScopeUpdatePoliciesInput', 'CiJobTokenScopeUpdatePoliciesPayload']);
const POLICY_FIELDS = new Set(['defaultPermissions', 'jobTokenPolicies', 'ciJobTokenScopeUpdatePolicies']);

/** True when `version` ("18.2.1", "18.6.0-ee") is older than `since`; unparsable versions count as new. */
export function olderThan(version: string | undefined, since: readonly [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major < since[0] || (major === since[0] && minor < since[1]);
}

/** The SDL without the fine-grained permission types, fields and inputs: what a GitLab before 18.3 serves. */
function withoutPolicies(sdl: string): DocumentNode {
  return visit(parse(sdl), {
    EnumTypeDefinition: (n) => (POLICY_TYPES.has(n.name.value) ? null : undefined),
    InputObjectTypeDefinition: (n) => (POLICY_TYPES.has(n.name.value) ? null : undefined),
    ObjectTypeDefinition: (n) => (POLICY_TYPES.has(n.name.value) ? null : undefined),
    FieldDefinition: (n) => (POLICY_FIELDS.has(n.name.value) ? null : undefined),
    InputValueDefinition: (n) => (POLICY_FIELDS.has(n.name.value) ? null : undefined),
  });
}

const cached = new Map<'full' | 'before-policies', GraphQLSchema>();

/**
 * The schema, built once per process per variant (it is immutable). An instance
 * seeded with a version before 18.3 gets the schema without fine-grained
 * permissions, so clients can test their feature detection.
 */
export function sandboxSchema(version?: string): GraphQLSchema {
  const variant = olderThan(version, POLICIES_SINCE) ? 'before-policies' : 'full';
  let schema = cached.get(variant);
  if (!schema) {
    schema = variant === 'full' ? buildSchema(SCHEMA_SDL) : buildASTSchema(withoutPolicies(SCHEMA_SDL));
    cached.set(variant, schema);
  }
  return schema;
}
