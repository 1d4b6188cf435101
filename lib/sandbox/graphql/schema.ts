/**
 * The sandbox's GraphQL schema: the part of GitLab's schema tokenscope uses,
 * with GitLab's type, field, argument and enum names and nullability.
 */
import { buildASTSchema, DocumentNode, GraphQLSchema, parse, visit } from 'graphql';
import { parseVersion, policiesForVersion } from '../../model/policies';

/** The pagination arguments graphql-ruby adds to every connection field. */
const PAGE_ARGS = 'first: Int, after: String, last: Int, before: String';

/** graphql-ruby's generated `<Node>Connection` and `<Node>Edge`; GitLab adds `count` to some connections. */
function connection(node: string, opts: { count?: boolean } = {}): string {
  return `type ${node}Connection {
${opts.count ? '  count(limit: Int): Int!\n' : ''}  edges: [${node}Edge]
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
  projects(fullPaths: [String!], ids: [ID!], membership: Boolean, search: String, sort: String,
           ${PAGE_ARGS}): ProjectConnection
  group(fullPath: ID!): Group
  groups(ids: [ID!], search: String, sort: String = "name_asc", ${PAGE_ARGS}): GroupConnection
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
  createdAt: Time
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
    @deprecated(reason: "Outbound job token scope is removed. Deprecated in GitLab 18.0.")
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

__POLICIES_ENUM__

type CiJobTokenScopeAllowlist {
  groupsAllowlist(${PAGE_ARGS}): CiJobTokenScopeAllowlistEntryConnection
  projectsAllowlist(${PAGE_ARGS}): CiJobTokenScopeAllowlistEntryConnection
}

type CiJobTokenScopeAllowlistEntry {
  addedBy: UserCore
  autopopulated: Boolean
  createdAt: Time!
  defaultPermissions: Boolean
  direction: String @deprecated(reason: "Outbound job token scope is removed, every entry is inbound. Deprecated in GitLab 18.0.")
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
  ciJobTokenScopeAllowlistEntry: CiJobTokenScopeAllowlistEntry
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

/**
 * The release from which GitLab's schema has the fine-grained job-token
 * permission fields (behind the `add_policies_to_ci_job_token` feature flag
 * until 18.3); older instances' schemas lack them.
 */
export const POLICIES_SINCE: readonly [number, number] = [17, 5];

const POLICY_TYPES = new Set(['CiJobTokenScopePolicies', 'CiJobTokenScopeUpdatePoliciesInput', 'CiJobTokenScopeUpdatePoliciesPayload']);
const POLICY_FIELDS = new Set(['defaultPermissions', 'jobTokenPolicies', 'ciJobTokenScopeUpdatePolicies']);

/** True when `version` ("18.2.1", "18.6.0-ee") is older than `since`; unparsable versions count as new. */
export function olderThan(version: string | undefined, since: readonly [number, number]): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return v[0] < since[0] || (v[0] === since[0] && v[1] < since[1]);
}

/** `enum CiJobTokenScopePolicies` as the given GitLab version has it. */
function policiesEnum(version: string | undefined): string {
  const values = policiesForVersion(version).map((p) => (p.deprecated
    ? `  ${p.name} @deprecated(reason: "Container registry access is no longer controlled by fine-grained job token permissions. Deprecated in GitLab 18.4.")`
    : `  ${p.name}`));
  return `enum CiJobTokenScopePolicies {\n${values.join('\n')}\n}`;
}

/** The SDL of one GitLab version. */
export function schemaSdl(version?: string): string {
  return SCHEMA_SDL.replace('__POLICIES_ENUM__', policiesEnum(version));
}

/** The SDL without the fine-grained permission types, fields and inputs: what a GitLab before 17.5 serves. */
function withoutPolicies(sdl: string): DocumentNode {
  return visit(parse(sdl), {
    EnumTypeDefinition: (n) => (POLICY_TYPES.has(n.name.value) ? null : undefined),
    InputObjectTypeDefinition: (n) => (POLICY_TYPES.has(n.name.value) ? null : undefined),
    ObjectTypeDefinition: (n) => (POLICY_TYPES.has(n.name.value) ? null : undefined),
    FieldDefinition: (n) => (POLICY_FIELDS.has(n.name.value) ? null : undefined),
    InputValueDefinition: (n) => (POLICY_FIELDS.has(n.name.value) ? null : undefined),
  });
}

/**
 * The schema of a GitLab version, built once per process per variant (it is
 * immutable): without fine-grained permissions before 17.5, else with the
 * policy enum that version has.
 */
export function sandboxSchema(version?: string): GraphQLSchema {
  const old = olderThan(version, POLICIES_SINCE);
  const variant = old ? 'before-policies' : policiesForVersion(version).map((p) => `${p.name}${p.deprecated ? '!' : ''}`).join(',');
  let schema = cached.get(variant);
  if (!schema) {
    // Before 17.5 the enum is stripped with the rest: build from the newest text, which parses.
    const sdl = schemaSdl(old ? undefined : version);
    schema = buildASTSchema(old ? withoutPolicies(sdl) : parse(sdl));
    cached.set(variant, schema);
  }
  return schema;
}

// A module-level cache of immutable values: schemas are pure functions of the variant.
const cached = new Map<string, GraphQLSchema>();
