import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { memoryIO } from '../../lib/cli/io';
import { createSandboxCommand } from '../../lib/cli/commands/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { testSeed, TOK } from './helpers';

/** Runs `tokenscope sandbox ...`; `during` runs while it serves, then it is stopped. */
async function runSandbox(args: string[], during: (sb: Sandbox) => Promise<void> = async () => undefined, cwd = process.cwd()) {
  const io = memoryIO({}, cwd);
  const state = { exitCode: -1 };
  const program = new Command().exitOverride();
  createSandboxCommand({ waitForStop: during }).register(program, io, state);
  await program.parseAsync(['node', 'tokenscope', 'sandbox', ...args]);
  return { code: state.exitCode, out: io.out(), err: io.err() };
}

describe('tokenscope sandbox', () => {
  it('serves the demo org by default, prints its URL and masked tokens, and stops cleanly', async () => {
    let seen: unknown;
    const r = await runSandbox([], async (sb) => {
      seen = await (await fetch(`${sb.url}/api/v4/user`, { headers: { 'PRIVATE-TOKEN': 'glpat-sandbox-ops-maintainer-0000000001' } })).json();
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tokenscope sandbox listening on http:\/\/127\.0\.0\.1:\d+\n/);
    // Where the seed is (a real file, to read the token values from or to copy), and its people apart from token bots.
    const seedLine = r.out.split('\n')[1];
    expect(seedLine).toMatch(/^seed: built-in demo org, lib\/sandbox\/demo-seed\.json: 3 users \(\+ 2 bot users of project and group access tokens\), \d+ groups, 11 projects; /);
    expect(fs.existsSync(path.join(process.cwd(), 'lib', 'sandbox', 'demo-seed.json'))).toBe(true);
    expect(r.out).toContain('glpat-****0001');
    expect(r.out).not.toContain('glpat-sandbox-ops-maintainer-0000000001');
    expect(r.out).toContain('tokenscope sandbox stopped: 1 HTTP requests (0 GraphQL queries, 1 REST calls, 0 mutations)');
    expect(seen).toMatchObject({ username: 'ops' });
  });

  it('loads --seed relative to the working directory and honours --port 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
    fs.writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(testSeed()));
    let status = 0;
    const r = await runSandbox(['--seed', 'seed.json', '--port', '0', '--latency-ms', '0', '--rate-limit', '100', '--random-seed', '1'], async (sb) => {
      status = (await fetch(`${sb.url}/api/v4/projects/acme%2Fweb`, { headers: { 'PRIVATE-TOKEN': TOK.ops } })).status;
    }, dir);
    expect(r.code).toBe(0);
    expect(status).toBe(200);
    expect(r.out).toContain('seed: seed.json: ');
    expect(r.out).not.toContain(TOK.ops);
  });

  it('refuses a bad seed naming the offending entry, and bad flags', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ projects: [{ path: 'acme/web', allowlist: { projects: ['acme/nope'] } }] }));
    const bad = await runSandbox(['--seed', 'bad.json'], async () => undefined, dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('tokenscope sandbox: invalid seed bad.json: projects[0] ("acme/web"): allowlist.projects[0] "acme/nope" is not a project in the seed\n');
    const missing = await runSandbox(['--seed', 'missing.json'], async () => undefined, dir);
    expect(missing.err).toBe('tokenscope sandbox: cannot read seed missing.json: no such file\n');
    expect((await runSandbox(['--fault-rate', '1.5'])).err).toBe('tokenscope sandbox: --fault-rate must be a share between 0 and 1 (got "1.5")\n');
    expect((await runSandbox(['--port', '70000'])).err).toBe('tokenscope sandbox: --port must be a port number 0-65535 (0 = any free port) (got "70000")\n');
    expect((await runSandbox(['--rate-limit', '0'])).err).toBe('tokenscope sandbox: --rate-limit must be a whole number of requests per minute > 0 (got "0")\n');
    expect((await runSandbox(['--max-complexity', '2.5'])).err).toBe('tokenscope sandbox: --max-complexity must be a whole number > 0 (got "2.5")\n');
  });

  it('--max-complexity makes the sandbox stricter than GitLab, and says so', async () => {
    let answer: unknown;
    const r = await runSandbox(['--max-complexity', '4'], async (sb) => {
      answer = await (await fetch(`${sb.url}/api/graphql`, {
        method: 'POST', headers: { 'PRIVATE-TOKEN': 'glpat-sandbox-ops-maintainer-0000000001', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ project(fullPath: "acme/web/storefront") { id fullPath ciCdSettings { inboundJobTokenScopeEnabled } } }' }),
      })).json();
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain("GraphQL complexity limit: 4 (stricter than GitLab's 200/250/300)\n");
    expect(answer).toEqual({ errors: [{ message: 'Query has complexity of 5, which exceeds max complexity of 4' }] });
  });
  it('--state-dir keeps Terraform states across restarts; --max-state-bytes caps uploads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
    const auth = { authorization: `Basic ${Buffer.from(`x:${TOK.ops}`).toString('base64')}` };
    const url = (sb: Sandbox) => `${sb.url}/api/v4/projects/12/terraform/state/ops`;
    fs.writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(testSeed()));
    const first = await runSandbox(['--seed', 'seed.json', '--state-dir', 'states', '--max-state-bytes', '200'], async (sb) => {
      expect((await fetch(url(sb), { method: 'POST', headers: auth, body: JSON.stringify({ serial: 1, pad: 'x'.repeat(300) }) })).status).toBe(413);
      expect((await fetch(url(sb), { method: 'POST', headers: auth, body: '{"version":4,"serial":1}' })).status).toBe(200);
    }, dir);
    expect(first.out).toContain(`/api/v4/projects/<id>/terraform/state/<name> (kept in ${path.join(dir, 'states')}, 0 states)`);
    expect(first.out).toContain(', 2 Terraform state calls)');
    let text = '';
    const second = await runSandbox(['--seed', 'seed.json', '--state-dir', 'states'], async (sb) => {
      text = await (await fetch(url(sb), { headers: auth })).text();
    }, dir);
    expect(second.out).toContain(', 1 states)');
    expect(text).toBe('{"version":4,"serial":1}');
    fs.writeFileSync(path.join(dir, 'afile'), '');
    expect((await runSandbox(['--state-dir', 'afile'], async () => undefined, dir)).err)
      .toBe(`tokenscope sandbox: --state-dir ${path.join(dir, 'afile')} is not a directory\n`);
    expect((await runSandbox(['--max-state-bytes', '-1'])).err)
      .toBe('tokenscope sandbox: --max-state-bytes must be a whole number of bytes >= 0 (0 = no limit) (got "-1")\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
