import { parse } from 'graphql';
import { computeComplexity, computeDepth, sandboxSchema } from '../../lib/sandbox';
import { complexityMessage, depthMessage } from '../../lib/sandbox/graphql/complexity';

const schema = sandboxSchema();
const score = (q: string, v?: Record<string, unknown>, op?: string) => computeComplexity(schema, parse(q), v, op);

describe('computeComplexity (GitLab rule)', () => {
  it('costs 1 per field plus children', () => {
    expect(score('{ project(fullPath: "a/b") { id fullPath } }')).toBe(3);
    expect(score('{ project(fullPath: "a/b") { ciCdSettings { inboundJobTokenScopeEnabled } } }')).toBe(3);
  });

  it('doubles an unpaginated connection (default page 100) and scales with first/last', () => {
    // inboundAllowlist: (1 + nodes(1 + fullPath 1)) * (1 + 100/100) = 6
    expect(score('{ project(fullPath: "a/b") { ciJobTokenScope { inboundAllowlist { nodes { fullPath } } } } }')).toBe(1 + 1 + 6);
    expect(score('{ project(fullPath: "a/b") { ciJobTokenScope { inboundAllowlist(first: 50) { nodes { fullPath } } } } }')).toBe(1 + 1 + 4);
    expect(score('{ project(fullPath: "a/b") { ciJobTokenScope { inboundAllowlist(first: 500) { nodes { fullPath } } } } }')).toBe(1 + 1 + 6);
    expect(score('query($n: Int) { project(fullPath: "a/b") { ciJobTokenScope { inboundAllowlist(last: $n) { nodes { fullPath } } } } }', { n: 0 })).toBe(1 + 1 + 3);
    expect(score('query($n: Int = 10) { project(fullPath: "a/b") { ciJobTokenScope { inboundAllowlist(first: $n) { nodes { fullPath } } } } }')).toBe(1 + 1 + 3);
  });

  it("passes GitLab's own test: four unpaginated allowlist connections of one project", () => {
    const q = `query {
      project(fullPath: "acme/web") {
        ciJobTokenScope {
          projects { nodes { path } }
          outboundAllowlist { nodes { path } }
          inboundAllowlist { nodes { path } }
          groupsAllowlist { nodes { path } }
        }
      }
    }`;
    expect(score(q)).toBe(1 + 1 + 4 * 6);
    expect(score(q)).toBeLessThanOrEqual(250);
  });

  it('counts fragments and merged response keys once, and takes the most expensive union member', () => {
    const viaFragment = `query { project(fullPath: "a/b") { ...F ...F id } } fragment F on Project { id fullPath }`;
    expect(score(viaFragment)).toBe(3);
    const union = `{ project(fullPath: "a/b") { ciJobTokenScopeAllowlist { projectsAllowlist(first: 100) { nodes { target {
        ... on CiJobTokenAccessibleProject { fullPath name webUrl }
        ... on CiJobTokenAccessibleGroup { fullPath }
        __typename } } } } } }`;
    // target = 1 + typename 1 + max(3, 1) = 5; nodes = 6; connection = (1+6)*2 = 14
    expect(score(union)).toBe(1 + 1 + 14);
  });

  it('honours @skip/@include and picks the named operation', () => {
    expect(score('query($s: Boolean!) { project(fullPath: "a/b") { id fullPath @skip(if: $s) } }', { s: true })).toBe(2);
    expect(score('query A { queryComplexity { score } } query B { project(fullPath: "a") { id } }', {}, 'B')).toBe(2);
  });

  it('prices many projects with deep selections past the limit', () => {
    const one = (i: number) => `p${i}: project(fullPath: "acme/p${i}") { ciJobTokenScope { inboundAllowlist { nodes { fullPath } } groupsAllowlist { nodes { fullPath } } } }`;
    const q = `{ ${Array.from({ length: 20 }, (_, i) => one(i)).join('\n')} }`;
    expect(score(q)).toBe(20 * (1 + 1 + 6 + 6));
    expect(complexityMessage(score(q), 250)).toBe('Query has complexity of 280, which exceeds max complexity of 250');
  });
});

describe('computeDepth', () => {
  it('counts nested fields through fragments', () => {
    expect(computeDepth(parse('{ project(fullPath: "a") { id } }'))).toBe(2);
    expect(computeDepth(parse('{ project(fullPath: "a") { ...F } } fragment F on Project { ciJobTokenScope { inboundAllowlist { nodes { id } } } }'))).toBe(5);
    expect(depthMessage(21)).toBe('Query has depth of 21, which exceeds max depth of 20');
  });
});
