import { parse } from 'graphql';
import { computeComplexity, computeDepth, recurringFields, sandboxSchema } from '../../lib/sandbox';
import { complexityMessage } from '../../lib/sandbox/graphql/complexity';
import { depthMessage, recursionMessage } from '../../lib/sandbox/graphql/depth';
import { doublingFragments } from './helpers';

const schema = sandboxSchema();
const score = (q: string, v?: Record<string, unknown>, op?: string) => computeComplexity(schema, parse(q), v, op);

describe('computeComplexity (base_field.rb, base_resolver.rb)', () => {
  it('costs 1 per field plus children', () => {
    expect(score('{ project(fullPath: "a/b") { id fullPath } }')).toBe(3);
    expect(score('{ project(fullPath: "a/b") { ciCdSettings { inboundJobTokenScopeEnabled } } }')).toBe(3);
  });

  it('does not multiply plain connections (the allowlists have no resolver), whatever first says', () => {
    // project 1 + ciJobTokenScope 1 + inboundAllowlist (1 + nodes (1 + fullPath 1)) = 5
    for (const args of ['', '(first: 50)', '(first: 500)', '(last: 1)']) {
      expect(score(`{ project(fullPath: "a/b") { ciJobTokenScope { inboundAllowlist${args} { nodes { fullPath } } } } }`)).toBe(5);
    }
    const four = `query {
      project(fullPath: "acme/web") {
        ciJobTokenScope {
          projects { nodes { path } }
          outboundAllowlist { nodes { path } }
          inboundAllowlist { nodes { path } }
          groupsAllowlist { nodes { path } }
        }
      }
    }`;
    expect(score(four)).toBe(1 + 1 + 4 * 3);
  });

  it('adds 1% per item to resolver-backed connections: c + c * (limit * 0.01), truncated', () => {
    // projects: nodes(1 + id 1) = 2, + resolver 1 = 3; first 50: 3 + 1.5 = 4.5 -> 4; no first: page size 100 doubles it
    expect(score('{ projects(fullPaths: ["a/b"], first: 50) { nodes { id } } }')).toBe(4);
    expect(score('{ projects(fullPaths: ["a/b"]) { nodes { id } } }')).toBe(6);
    expect(score('{ projects(fullPaths: ["a/b"], first: 500) { nodes { id } } }')).toBe(6);
    expect(score('query($n: Int) { projects(first: $n) { nodes { id } } }', { n: 0 })).toBe(3);
    expect(score('query($n: Int = 10) { projects(first: $n) { nodes { id } } }')).toBe(3);
  });

  it('adds 1 for a sort (Query.groups sorts by name_asc by default) and 5 for a search', () => {
    const groups = (args: string) => score(`{ groups(${args}) { nodes { id fullPath } pageInfo { hasNextPage endCursor } } }`);
    // children 6, + resolver 1, + default sort 1 = 8; first 50: 8 + 4 = 12
    expect(groups('ids: ["gid://gitlab/Group/1"], first: 50')).toBe(12);
    expect(groups('ids: ["gid://gitlab/Group/1"], first: 50, sort: null')).toBe(10);
    expect(groups('search: "a", first: 50')).toBe(19); // (6 + 1 + 1 + 5) * 1.5 = 19.5
    expect(score('{ projects(search: "", sort: "id_desc", first: 10) { nodes { id } } }')).toBe(9); // (2 + 1 + 1 + 5) * 1.1 = 9.9; "" is truthy in Ruby
  });

  it('adds NamespaceProjectsResolver\'s 10 to Group.projects and multiplies the auth log (a resolver)', () => {
    // group 1 + projects: (2 + 1 + 10) * 1.2 = 15.6 -> 15
    expect(score('{ group(fullPath: "acme") { projects(first: 20) { nodes { id } } } }')).toBe(16);
    // project 1 + ciJobTokenAuthLogs: children count 1 + nodes (1 + originProject 2 + lastAuthorizedAt 1) = 5, + 1 = 6, * 2
    expect(score('{ project(fullPath: "a/b") { ciJobTokenAuthLogs(first: 100) { count nodes { originProject { fullPath } lastAuthorizedAt } } } }')).toBe(13);
  });

  it('counts fragments and merged response keys once, and takes the most expensive union member', () => {
    expect(score('query { project(fullPath: "a/b") { ...F ...F id } } fragment F on Project { id fullPath }')).toBe(3);
    const union = `{ project(fullPath: "a/b") { ciJobTokenScopeAllowlist { projectsAllowlist(first: 100) { nodes { target {
        ... on CiJobTokenAccessibleProject { fullPath name webUrl }
        ... on CiJobTokenAccessibleGroup { fullPath }
        __typename } } } } } }`;
    // target = 1 + typename 1 + max(3, 1) = 5; nodes = 6; projectsAllowlist (plain) = 7
    expect(score(union)).toBe(1 + 1 + 7);
  });

  it('honours @skip/@include and picks the named operation', () => {
    expect(score('query($s: Boolean!) { project(fullPath: "a/b") { id fullPath @skip(if: $s) } }', { s: true })).toBe(2);
    expect(score('query A { queryComplexity { score } } query B { project(fullPath: "a") { id } }', {}, 'B')).toBe(2);
  });

  it('prices fragments that spread each other twice per level exactly, in time linear in the document', () => {
    // c(n) = 1 (id); c(k) = 2 * (1 + c(k + 1)): two aliased `parent` fields per level
    const levels = 22;
    let expected = 1;
    for (let k = levels - 1; k >= 0; k--) expected = 2 * (1 + expected);
    const q = doublingFragments(levels);
    expect(q.length).toBeLessThan(2_000);
    expect(score(q)).toBe(1 + expected);
    expect(computeDepth(parse(q))).toBe(levels + 2);
  });

  it('words the refusal as graphql-ruby does', () => {
    expect(complexityMessage(346, 250)).toBe('Query has complexity of 346, which exceeds max complexity of 250');
  });
});

describe('computeDepth and the recursion check', () => {
  it('counts nested fields through fragments', () => {
    expect(computeDepth(parse('{ project(fullPath: "a") { id } }'))).toBe(2);
    expect(computeDepth(parse('{ project(fullPath: "a") { ...F } } fragment F on Project { ciJobTokenScope { inboundAllowlist { nodes { id } } } }'))).toBe(5);
    expect(depthMessage(16, 15)).toBe('Query has depth of 16, which exceeds max depth of 15');
  });

  it("finds a field nested more than twice in one branch, as GitLab's RecursionAnalyzer does (nodes/edges ignored)", () => {
    expect(recurringFields(parse('{ group(fullPath: "a") { parent { parent { id } } } }')).size).toBe(0);
    const three = recurringFields(parse('{ group(fullPath: "a") { parent { parent { parent { id } } } } }'));
    expect([...three]).toEqual([['parent', 3]]);
    expect(recursionMessage(three)).toBe('Recursive query - too many of fields \'{"parent"=>3}\' detected\nin single branch of the query")\n');
    // Two sibling branches of two each are fine; nodes and edges never count.
    expect(recurringFields(parse('{ projects { nodes { group { projects { nodes { group { id } } } } } } }')).size).toBe(0);
    expect(recurringFields(parse(doublingFragments(22))).get('parent')).toBe(22);
  });
});
