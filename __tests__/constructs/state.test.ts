import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { GitLabManagedState, JobTokenScope, TokenScopeStack, TokenScopeStackProps } from '../../lib';
import { synthError } from './helpers';

interface Backends { terraform?: { backend?: Record<string, Record<string, unknown>> } }

const SECRET = 'glpat-tfhttp-secret-do-not-write-0001';
const JOB_SECRET = 'glcbt-64_tfhttpJobSecretNotWritten';

/** Runs `build` with these variables set (and every other one it reads unset), then restores the environment. */
function withEnv<T>(vars: Record<string, string | undefined>, build: () => T): T {
  const names = ['CI_PROJECT_ID', 'CI_API_V4_URL', 'TF_HTTP_USERNAME', 'TF_HTTP_PASSWORD', 'GITLAB_TOKEN', ...Object.keys(vars)];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) process.env[k] = v;
  try {
    return build();
  } finally {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  }
}

function stack(props: TokenScopeStackProps, id = 'acme-web'): TokenScopeStack {
  const s = new TokenScopeStack(Testing.app(), id, { lockFile: false, ...props });
  new JobTokenScope(s, 'storefront', { project: 'acme/web/storefront' });
  return s;
}

const backendOf = (s: TokenScopeStack) => (JSON.parse(Testing.synth(s, true)) as Backends).terraform?.backend;

const CI = { CI_PROJECT_ID: '42', CI_API_V4_URL: 'https://gitlab.example.com/api/v4', TF_HTTP_USERNAME: 'gitlab-ci-token', TF_HTTP_PASSWORD: JOB_SECRET, GITLAB_TOKEN: SECRET };

describe('TokenScopeStack state option: GitLab-managed Terraform state', () => {
  it("state: 'gitlab' in GitLab CI: the http backend GitLab documents, for CI_PROJECT_ID and the stack's name", () => {
    const backend = withEnv(CI, () => backendOf(stack({ state: 'gitlab' })));
    const address = 'https://gitlab.example.com/api/v4/projects/42/terraform/state/acme-web';
    expect(backend).toEqual({
      http: {
        address, lock_address: `${address}/lock`, unlock_address: `${address}/lock`,
        lock_method: 'POST', unlock_method: 'DELETE', retry_wait_min: 5,
      },
    });
  });

  it('GitLabManagedState.of({ project, name }) with the stack\'s baseUrl (which wins over CI_API_V4_URL)', () => {
    const backend = withEnv(CI, () => backendOf(stack({
      baseUrl: 'https://git.example.com/gitlab',
      state: GitLabManagedState.of({ project: 'acme/platform/ops', name: 'scopes-web' }),
    })));
    expect(backend?.http.address).toBe('https://git.example.com/gitlab/api/v4/projects/acme%2Fplatform%2Fops/terraform/state/scopes-web');
    expect(backend?.http.lock_address).toBe('https://git.example.com/gitlab/api/v4/projects/acme%2Fplatform%2Fops/terraform/state/scopes-web/lock');
  });

  it('cdk.tf.json holds the addresses and nothing secret: no username, no password, no token in any form', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-synth-'));
    try {
      withEnv(CI, () => {
        const app = new App({ outdir });
        const s = new TokenScopeStack(app, 'acme-web', { lockFile: false, state: 'gitlab' });
        new JobTokenScope(s, 'storefront', { project: 'acme/web/storefront', importExisting: true });
        app.synth();
      });
      const text = fs.readFileSync(path.join(outdir, 'stacks', 'acme-web', 'cdk.tf.json'), 'utf8');
      const json = JSON.parse(text) as Backends;
      expect(Object.keys(json.terraform?.backend ?? {})).toEqual(['http']);
      expect(Object.keys(json.terraform!.backend!.http).sort()).toEqual(
        ['address', 'lock_address', 'lock_method', 'retry_wait_min', 'unlock_address', 'unlock_method'],
      );
      const everything = fs.readdirSync(outdir, { recursive: true }).map(String)
        .filter((f) => fs.statSync(path.join(outdir, f)).isFile()).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
      for (const s of [SECRET, JOB_SECRET, Buffer.from(`gitlab-ci-token:${JOB_SECRET}`).toString('base64'), 'tfhttpJobSecret', 'password', 'TF_HTTP']) {
        expect(everything).not.toContain(s);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('outside CI without a project or an API URL, synth fails naming the stack and the fix', () => {
    const msg = withEnv({}, () => synthError(stack({ state: 'gitlab' })));
    expect(msg).toContain(
      '[acme-web] TokenScopeStack "acme-web": GitLab-managed state needs the GitLab API URL; set baseUrl on the stack ' +
        '(e.g. https://gitlab.example.com), or synthesize in GitLab CI, where CI_API_V4_URL is set',
    );
    expect(msg).toContain(
      '[acme-web] TokenScopeStack "acme-web": GitLab-managed state needs the project that keeps the state; pass state: ' +
        "GitLabManagedState.of({ project: '<numeric id or full path>' }), or synthesize in GitLab CI, where CI_PROJECT_ID is set",
    );
    // With the project given and the stack's baseUrl, nothing is missing.
    expect(withEnv({}, () => backendOf(stack({ baseUrl: 'https://gitlab.example.com', state: GitLabManagedState.of({ project: '7' }) })))?.http.address)
      .toBe('https://gitlab.example.com/api/v4/projects/7/terraform/state/acme-web');
  });

  it.each([
    [{ project: 'acme//ops' }, {}, 'TokenScopeStack "acme-web": GitLab-managed state: project "acme//ops" contains "//"; give the numeric id or the full path of the project that keeps the state'],
    [{}, { CI_PROJECT_ID: '-3' }, 'TokenScopeStack "acme-web": GitLab-managed state: CI_PROJECT_ID "-3" is not a positive numeric id; give the numeric id or the full path of the project that keeps the state'],
    [{ project: '7', name: 'a/b' }, {}, 'TokenScopeStack "acme-web": GitLab-managed state: state name "a/b" must be 1 to 255 characters, without "/" or surrounding white space'],
    [{ project: '7', name: 'x'.repeat(256) }, {}, `TokenScopeStack "acme-web": GitLab-managed state: state name "${'x'.repeat(256)}" must be 1 to 255 characters, without "/" or surrounding white space`],
  ])('refuses %j (env %j) with the exact words', (props, env, message) => {
    const msg = withEnv({ CI_API_V4_URL: 'https://gitlab.example.com/api/v4', ...env }, () => synthError(stack({ state: GitLabManagedState.of(props) })));
    expect(msg).toContain(`[acme-web] ${message}`);
  });

  it('a CI_API_V4_URL that is not a URL is named', () => {
    const msg = withEnv({ CI_PROJECT_ID: '42', CI_API_V4_URL: 'gitlab/api/v4' }, () => synthError(stack({ state: 'gitlab' })));
    expect(msg).toContain('[acme-web] TokenScopeStack "acme-web": GitLab-managed state: CI_API_V4_URL "gitlab/api/v4" is not an http(s) URL; set baseUrl on the stack');
  });

  it('an unknown state value is refused at once', () => {
    expect(() => new TokenScopeStack(Testing.app(), 's', { lockFile: false, state: 's3' as unknown as 'gitlab' }))
      .toThrow('TokenScopeStack "s": state must be \'gitlab\' or GitLabManagedState.of({...}), got "s3"');
  });

  it('without the option the stack keeps cdktf\'s default local backend', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-synth-'));
    try {
      withEnv(CI, () => {
        const app = new App({ outdir });
        stackIn(app);
        app.synth();
      });
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'acme-web', 'cdk.tf.json'), 'utf8')) as Backends;
      expect(Object.keys(json.terraform?.backend ?? {})).toEqual(['local']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

function stackIn(app: App): TokenScopeStack {
  const s = new TokenScopeStack(app, 'acme-web', { lockFile: false });
  new JobTokenScope(s, 'storefront', { project: 'acme/web/storefront' });
  return s;
}
