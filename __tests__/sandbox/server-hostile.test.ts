import * as net from 'net';
import type { Sandbox } from '../../lib/sandbox';
import { MAX_BODY_BYTES } from '../../lib/sandbox/server';
import { MAX_MULTIPLEX_QUERIES, tooManyQueriesMessage } from '../../lib/sandbox/graphql/endpoint';
import { doublingFragments, gql, gqlRaw, startTestSandbox } from './helpers';

let sb: Sandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.stop(); });

/** One raw HTTP/1.1 exchange over a socket (a client that sends what fetch refuses to). */
function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { data += c; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('the sandbox as a server others use', () => {
  /** 22 fragments, each spreading the next twice, without aliases: about 1 KB. */
  const spreads = (levels: number) =>
    `query { group(fullPath: "acme") { ...F0 } }\n` +
    Array.from({ length: levels }, (_, i) => `fragment F${i} on Group { parent { ...F${i + 1} ...F${i + 1} } }`).join('\n') +
    `\nfragment F${levels} on Group { id }`;

  it('refuses a query whose fragments spread each other twice per level (no token) with GitLab\'s checks', async () => {
    const q = spreads(22);
    expect(q.length).toBeGreaterThan(900);
    expect(q.length).toBeLessThan(1_300);
    const r = await gql(sb, q, undefined, null);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ errors: [
      { message: 'Recursive query - too many of fields \'{"parent"=>22}\' detected\nin single branch of the query")\n' },
      { message: 'Query has depth of 24, which exceeds max depth of 15' },
    ] });
    // The aliased variant has 2^22 paths: priced exactly, refused on depth and complexity alike.
    const aliased = await gql(sb, doublingFragments(22), undefined, null);
    expect(aliased.body.errors.map((e: { message: string }) => e.message.split(',')[0])).toEqual([
      'Recursive query - too many of fields \'{"parent"=>22}\' detected\nin single branch of the query")\n',
      'Query has depth of 24',
      'Query has complexity of 12582911', // 1 + (3 * 2^22 - 2)
    ]);
  });

  it('answers a flat query of the same shape (each spread adds nothing new) instead of expanding it', async () => {
    const flat = `query { ...F0 }\n${Array.from({ length: 22 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n')}\n` +
      'fragment F22 on Query { queryComplexity { score limit } }';
    expect((await gql(sb, flat, undefined, null)).body).toEqual({ data: { queryComplexity: { score: 3, limit: 200 } } });
  });

  it('keeps answering an ordinary request while such queries are being refused', async () => {
    const hostile = Array.from({ length: 10 }, () => gql(sb, doublingFragments(22), undefined, null));
    const ordinary = gql(sb, '{ project(fullPath: "acme/web") { fullPath } }');
    const [ok, ...refused] = await Promise.all([ordinary, ...hostile]);
    expect(ok.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
    for (const r of refused) expect(r.body.errors[1].message).toBe('Query has depth of 24, which exceeds max depth of 15');
  });

  it('answers a body over the limit with 413, not a reset connection', async () => {
    const big = JSON.stringify({ query: `{ currentUser { username } }${' '.repeat(MAX_BODY_BYTES)}` });
    const r = await gqlRaw(sb, big);
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ message: '413 Request Entity Too Large' });
    const restBig = await fetch(`${sb.url}/api/v4/projects/12/job_token_scope/allowlist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(restBig.status).toBe(413);
    // The server is still there for the next request.
    expect((await gql(sb, '{ currentUser { username } }')).status).toBe(200);
  });

  it('answers a bad Host header with 400, not 500', async () => {
    for (const host of ['[not-a-host', 'a b', 'evil.example/path', 'x:99999999']) {
      const answer = await rawHttp(sb.port, `GET /api/v4/version HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect([host, answer.split('\r\n')[0]]).toEqual([host, 'HTTP/1.1 400 Bad Request']);
      expect(answer).toContain('{"message":"400 Bad request - the Host header is not a valid host"}');
    }
    const fine = await rawHttp(sb.port, 'GET /-/sandbox/health HTTP/1.1\r\nHost: localhost:1234\r\nConnection: close\r\n\r\n');
    expect(fine.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  it(`refuses a multiplex of thousands of queries before parsing any (more than ${MAX_MULTIPLEX_QUERIES})`, async () => {
    const before = sb.stats().graphqlQueries;
    const many = JSON.stringify(Array.from({ length: 5_000 }, () => ({ query: '{a}' })));
    const r = await gqlRaw(sb, many);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ errors: [{ message: tooManyQueriesMessage(5_000) }] });
    expect(r.body.errors[0].message).toBe('Too many queries in one request (5000): the sandbox refuses a multiplex of more than 300');
    expect(sb.stats().graphqlQueries).toBe(before);
    // At the cap, GitLab's own rule answers: every query costs at least 1, and the sum is over 250.
    const atCap = await gqlRaw(sb, JSON.stringify(Array.from({ length: MAX_MULTIPLEX_QUERIES }, () => ({ query: '{ currentUser { id } }' }))));
    expect(atCap.status).toBe(200);
    expect(atCap.body[0]).toEqual({ errors: [{ message: 'Query has complexity of 600, which exceeds max complexity of 250' }] });
  });
});
