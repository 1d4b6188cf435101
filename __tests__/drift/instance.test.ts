import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { cli, OPS_READ, tempDir } from './helpers';

/** storefront as the demo org holds it: in sync. */
function writeStack(dir: string, baseUrl: string | undefined): void {
  fs.mkdirSync(path.join(dir, 'cdktf.out', 'stacks', 'web'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'stacks', 'web', 'cdk.tf.json'), JSON.stringify({
    provider: { gitlab: [baseUrl ? { base_url: baseUrl } : {}] },
    resource: { gitlab_project_job_token_scopes: { s: { project: 'acme/web/storefront', enabled: true, target_project_ids: [101, 203], target_group_ids: [] } } },
  }));
}

describe('drift checks the instance the stacks were synthesized for', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => { sandbox = await startSandbox({ port: 0 }); });
  afterAll(async () => { await sandbox.stop(); });
  beforeEach(() => { dir = tempDir('instance'); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses the provider base_url when no --url and no URL variable is given', async () => {
    writeStack(dir, `${sandbox.url}/api/v4/`);
    const r = await cli(['drift', '--format', 'json'], { GITLAB_TOKEN: OPS_READ }, dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary).toMatchObject({ projects: 1, inSync: 1 });
  });

  it('prefers the stack to a URL variable naming another instance, and says so', async () => {
    writeStack(dir, `${sandbox.url}/api/v4/`);
    const r = await cli(['drift', '--format', 'json'], { GITLAB_TOKEN: OPS_READ, CI_SERVER_URL: 'https://gitlab.com' }, dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `tokenscope drift: warning: CI_SERVER_URL names https://gitlab.com, but the stacks were synthesized for ${sandbox.url} ` +
        `(the GitLab provider's base_url); checking ${sandbox.url} (pass --url to check another instance)\n`,
    );
  });

  it('warns when --url names another instance than the stack', async () => {
    writeStack(dir, 'https://gitlab.example.com');
    const r = await cli(['drift', '--format', 'json', '--url', sandbox.url], { GITLAB_TOKEN: OPS_READ }, dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `tokenscope drift: warning: --url names ${sandbox.url}, but the stacks were synthesized for https://gitlab.example.com ` +
        `(the GitLab provider's base_url); checking ${sandbox.url}\n`,
    );
  });

  it('stacks synthesized for two instances: exit 1 before any request, naming both', async () => {
    writeStack(dir, 'https://gitlab.example.com');
    fs.mkdirSync(path.join(dir, 'cdktf.out', 'stacks', 'other'));
    fs.copyFileSync(path.join(dir, 'cdktf.out', 'stacks', 'web', 'cdk.tf.json'), path.join(dir, 'cdktf.out', 'stacks', 'other', 'cdk.tf.json'));
    writeStack(dir, `${sandbox.url}/api/v4/`);
    const before = sandbox.stats().httpRequests;
    const r = await cli(['drift', '--format', 'json'], { GITLAB_TOKEN: OPS_READ }, dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `tokenscope drift: the stacks name different GitLab instances: https://gitlab.example.com (other), ${sandbox.url} (web); ` +
        'check them one instance at a time with --stack\n',
    );
    expect(sandbox.stats().httpRequests).toBe(before);
  });

  it('no warning when they agree, or when the stack names no instance', async () => {
    writeStack(dir, `${sandbox.url}/`);
    expect((await cli(['drift', '--url', sandbox.url], { GITLAB_TOKEN: OPS_READ }, dir)).err).toBe('');
    writeStack(dir, undefined);
    expect((await cli(['drift'], { GITLAB_TOKEN: OPS_READ, GITLAB_URL: sandbox.url }, dir)).err).toBe('');
  });
});
