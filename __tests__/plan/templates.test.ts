import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTemplate, resolveJob, scriptLines, validateConfig } from './gitlab-ci-rules';
import { FIXTURES } from './helpers';

const TEMPLATES = path.join(__dirname, '..', '..', 'templates');
const templateFiles = fs.readdirSync(TEMPLATES).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string) => fs.readFileSync(path.join(TEMPLATES, f), 'utf8');
const main = () => parseTemplate(read('tokenscope.gitlab-ci.yml'));

describe('every template passes the GitLab CI keyword rules', () => {
  it('there is at least the main template', () => {
    expect(templateFiles).toContain('tokenscope.gitlab-ci.yml');
  });

  it.each(templateFiles)('%s', (file) => {
    expect(validateConfig(parseTemplate(read(file)))).toEqual([]);
  });

  it.each([[1], [8], [200]])('drift_shards input %p is accepted', (n) => {
    const parsed = parseTemplate(read('tokenscope.gitlab-ci.yml'), { drift_shards: n });
    expect(validateConfig(parsed)).toEqual([]);
    expect((parsed.config['tokenscope-drift'] as { parallel: number }).parallel).toBe(n);
  });

  it.each([[0], [201]])('drift_shards input %p is refused by the parallel rule', (n) => {
    expect(validateConfig(parseTemplate(read('tokenscope.gitlab-ci.yml'), { drift_shards: n })))
      .toEqual([`tokenscope-drift.parallel: must be an integer from 1 to 200, got ${n}`]);
  });
});

describe('the validator catches what GitLab refuses', () => {
  const check = (yaml: string) => validateConfig(parseTemplate(yaml));
  it.each([
    ['an unknown job keyword', 'a:\n  script: x\n  retries: 2\n', 'a: unknown keyword retries'],
    ['a job without script', 'a:\n  stage: test\n', 'a: needs script, run or trigger'],
    ['parallel out of range', 'a:\n  script: x\n  parallel: 0\n', 'a.parallel: must be an integer from 1 to 200, got 0'],
    ['parallel not a number', 'a:\n  script: x\n  parallel: "4"\n', 'a.parallel: must be an integer from 1 to 200, got "4"'],
    ['needs a missing job', 'a:\n  script: x\n  needs: [b]\n', 'a.needs: job b does not exist'],
    ['needs a hidden job', '.b:\n  script: x\na:\n  script: x\n  needs: [.b]\n', 'a.needs: job .b does not exist'],
    ['a bad when', 'a:\n  script: x\n  when: later\n', 'a.when: later is not one of on_success, on_failure, never, always, manual, delayed'],
    ['an unknown rules key', 'a:\n  script: x\n  rules:\n    - if: $X\n      unless: $Y\n', 'a.rules[0]: unknown key unless'],
    ['a bad rules when', 'a:\n  script: x\n  rules:\n    - when: sometimes\n', 'a.rules[0].when: sometimes is not allowed'],
    ['rules with only', 'a:\n  script: x\n  only: [main]\n  rules:\n    - when: always\n', 'a: rules cannot be used with only/except'],
    ['a resource_group that is not a string', 'a:\n  script: x\n  resource_group: [x]\n', 'a.resource_group: must be a non-empty string'],
    ['an unknown report', 'a:\n  script: x\n  artifacts:\n    reports:\n      tfplan: x.json\n', 'a.artifacts.reports: unknown report type tfplan'],
    ['a report that is not a path', 'a:\n  script: x\n  artifacts:\n    reports:\n      junit: {path: x}\n', 'a.artifacts.reports.junit: must be a path or a list of paths'],
    ['a bad artifacts when', 'a:\n  script: x\n  artifacts:\n    when: never\n', 'a.artifacts.when: never is not one of on_success, on_failure, always'],
    ['an unknown stage', 'a:\n  script: x\n  stage: lint\n', 'a.stage: lint is not a stage (.pre, build, test, deploy, .post)'],
    ['extends of a missing job', 'a:\n  extends: .nope\n  script: x\n', 'a: extends: .nope does not exist'],
  ])('%s', (_what, yaml, error) => {
    expect(check(yaml)).toContain(error);
  });
});

describe('what the jobs do', () => {
  const cfg = main().config;
  const job = (name: string) => resolveJob(cfg, name);
  const script = (name: string) => scriptLines(job(name)).join('\n');

  it('offers hidden .tokenscope-* base jobs to extend', () => {
    expect(Object.keys(cfg).filter((k) => k.startsWith('.tokenscope-')).sort())
      .toEqual(['.tokenscope-base', '.tokenscope-deploy', '.tokenscope-drift', '.tokenscope-plan', '.tokenscope-synth', '.tokenscope-terraform']);
    for (const name of ['tokenscope-synth', 'tokenscope-plan', 'tokenscope-deploy', 'tokenscope-drift']) {
      expect(job(name).image).toBe('$TOKENSCOPE_IMAGE');
      expect(job(name).only).toBeUndefined();
      expect(Array.isArray(job(name).rules)).toBe(true);
    }
  });

  it('synth installs Terraform when the image has none: cdktf refuses an import block (importExisting) without terraform 1.5+ on PATH', () => {
    const before = scriptLines(job('tokenscope-synth'), 'before_script').join('\n');
    expect(before).toBe(scriptLines(job('tokenscope-plan'), 'before_script').join('\n'));
    expect(before).toContain('terraform version');
    expect(before).toContain('sha256sum');
  });

  it('plan: merge requests only, after synth, terraform plan -detailed-exitcode, show -json, plan-summary, widget report', () => {
    const plan = job('tokenscope-plan');
    expect(plan.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(plan.needs).toEqual([{ job: 'tokenscope-synth', artifacts: true }]);
    const s = script('tokenscope-plan');
    expect(s).toContain('plan -input=false -lock=false -no-color -detailed-exitcode -out=plan.tfplan');
    expect(s).toContain('show -json plan.tfplan');
    expect(s).toContain('plan-summary $plans --output tokenscope-plan.md --gitlab-report tokenscope-plan-report.json');
    expect(s).not.toContain('cdktf diff');
    expect((plan.artifacts as { reports: unknown }).reports).toEqual({ terraform: 'tokenscope-plan-report.json' });
    // Plan JSON carries other resources' sensitive values in clear text: never an artifact.
    expect(JSON.stringify(plan.artifacts)).not.toContain('plan.json');
  });

  it('deploy: default branch, manual, one resource group, cdktf deploy per stack', () => {
    const deploy = job('tokenscope-deploy');
    expect(deploy.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule"', when: 'manual' }]);
    expect(deploy.resource_group).toBe('tokenscope-deploy');
    expect(deploy.interruptible).toBe(false);
    expect(script('tokenscope-deploy')).toContain('cdktf deploy "$stack" --auto-approve --skip-synth');
  });

  it('drift: schedules, parallel shards, JUnit report and JSON kept always', () => {
    const drift = job('tokenscope-drift');
    expect(drift.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule" && $TOKENSCOPE_DRIFT != "false"' }]);
    expect(drift.parallel).toBe(4);
    expect(drift.artifacts).toMatchObject({ when: 'always', reports: { junit: 'drift-*.xml' } });
    expect((drift.artifacts as { paths: string[] }).paths).toEqual(['drift-*.json', 'drift-*.xml']);
    expect(script('tokenscope-drift')).toContain(
      'drift --synth-dir "$TOKENSCOPE_SYNTH_DIR" --format json --output "drift-$shard.json" --junit-output "drift-$shard.xml"',
    );
  });

  it('synth runs for every pipeline that needs it', () => {
    expect((job('tokenscope-synth').rules as Array<{ if: string }>).map((r) => r.if)).toEqual([
      '$CI_PIPELINE_SOURCE == "merge_request_event"',
      '$CI_PIPELINE_SOURCE == "schedule" && $TOKENSCOPE_DRIFT != "false"',
      '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule"',
    ]);
    expect((job('tokenscope-synth').artifacts as { paths: string[] }).paths).toEqual(['$TOKENSCOPE_SYNTH_DIR/']);
  });

  it('Terraform jobs give the http backend (GitLab-managed state) the job token at run time, and keep the base variables', () => {
    for (const name of ['tokenscope-plan', 'tokenscope-deploy']) {
      expect(job(name).variables).toMatchObject({
        TF_HTTP_USERNAME: 'gitlab-ci-token', TF_HTTP_PASSWORD: '$CI_JOB_TOKEN', CHECKPOINT_DISABLE: '1', GITLAB_BASE_URL: '$CI_API_V4_URL',
      });
    }
    // synth needs terraform on PATH, not the state: no job token in TF_HTTP_PASSWORD there.
    for (const name of ['tokenscope-drift', 'tokenscope-synth']) expect(job(name).variables).not.toHaveProperty('TF_HTTP_PASSWORD');
  });

  it('no token or secret is written into the template', () => {
    expect(read('tokenscope.gitlab-ci.yml')).not.toMatch(/glpat-|GITLAB_TOKEN:\s*\S/);
  });
});

/**
 * Runs a job's script the way a shell runner does (bash, `set -eo pipefail`),
 * with fakes for terraform, npx and the drift command on PATH.
 */
describe('the job scripts, run in bash', () => {
  const cfg = main().config;
  let tmp: string;
  let bin: string;
  const REPO = path.join(__dirname, '..', '..');

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-script-'));
    bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    for (const s of ['acme', 'platform']) fs.mkdirSync(path.join(tmp, 'cdktf.out', 'stacks', s), { recursive: true });
    // terraform: `plan` exits with FAKE_PLAN_RC_<stack>; `show -json` prints a fixture plan.
    writeExe('terraform', `#!/bin/bash
dir="\${1#-chdir=}"; stack=$(basename "$dir"); shift
echo "terraform $* ($stack)" >> "${tmp}/calls"
case "$1" in
  plan) var="FAKE_PLAN_RC_$stack"; exit "\${!var:-0}";;
  show) cat "${FIXTURES}/$stack.plan.json" 2>/dev/null || cat "${FIXTURES}/stacks/platform/plan.json";;
esac`);
    writeExe('npx', `#!/bin/bash
echo "npx $*" >> "${tmp}/calls"
[ "$4" = "$FAKE_DEPLOY_FAIL" ] && exit 1
exit 0`);
    writeExe('fake-drift', `#!/bin/bash
echo "drift $*" >> "${tmp}/calls"
prev=""
for a in "$@"; do [ "$prev" = "--output" ] || [ "$prev" = "--junit-output" ] && echo "report" > "$a"; prev="$a"; done
exit "\${FAKE_DRIFT_RC:-0}"`);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function writeExe(name: string, text: string) {
    fs.writeFileSync(path.join(bin, name), text + '\n', { mode: 0o755 });
  }

  function runJob(name: string, env: Record<string, string>) {
    const lines = scriptLines(resolveJob(cfg, name));
    const res = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -eo pipefail\n${lines.join('\n')}`], {
      cwd: tmp,
      env: {
        PATH: `${bin}:${process.env.PATH}`, HOME: tmp,
        TOKENSCOPE_SYNTH_DIR: 'cdktf.out', TOKENSCOPE_STACKS: '', TOKENSCOPE_MR_NOTE: 'false',
        TOKENSCOPE_PLAN_SUMMARY_ARGS: '', TOKENSCOPE_DRIFT_ARGS: '',
        // From source: these tests check the job scripts, not the build (the package tests do that).
        TOKENSCOPE_CMD: `node ${path.join(REPO, 'bin', 'run-ts.js')} ${path.join(REPO, 'bin', 'tokenscope.ts')}`,
        ...env,
      },
      encoding: 'utf8',
    });
    const calls = fs.existsSync(path.join(tmp, 'calls')) ? fs.readFileSync(path.join(tmp, 'calls'), 'utf8').trim().split('\n') : [];
    return { code: res.status, out: res.stdout, err: res.stderr, calls };
  }

  it('plan: exit 2 (changes) is a success; the summary and widget report are written', () => {
    const r = runJob('tokenscope-plan', { FAKE_PLAN_RC_acme: '2', FAKE_PLAN_RC_platform: '0' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.startsWith('terraform plan'))).toHaveLength(2);
    expect(fs.readFileSync(path.join(tmp, 'tokenscope-plan-report.json'), 'utf8')).toBe('{"create":5,"update":6,"delete":4}\n');
    expect(fs.readFileSync(path.join(tmp, 'tokenscope-plan.md'), 'utf8')).toContain('#### Stack `acme`');
    expect(r.out).toContain('#### Stack `platform`');
  });

  it('plan: exit 1 (error) fails the job and stops before the summary', () => {
    const r = runJob('tokenscope-plan', { FAKE_PLAN_RC_acme: '1' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('terraform plan failed for stack acme (exit 1)');
    expect(fs.existsSync(path.join(tmp, 'tokenscope-plan.md'))).toBe(false);
  });

  it('plan: TOKENSCOPE_STACKS picks stacks', () => {
    const r = runJob('tokenscope-plan', { TOKENSCOPE_STACKS: 'platform' });
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.startsWith('terraform plan'))).toEqual(['terraform plan -input=false -lock=false -no-color -detailed-exitcode -out=plan.tfplan (platform)']);
  });

  it('deploy: cdktf deploy once per stack, stopping at the first failure', () => {
    expect(runJob('tokenscope-deploy', {}).calls).toEqual([
      'npx --no-install cdktf deploy acme --auto-approve --skip-synth --skip-provider-lock --output cdktf.out',
      'npx --no-install cdktf deploy platform --auto-approve --skip-synth --skip-provider-lock --output cdktf.out',
    ]);
    fs.rmSync(path.join(tmp, 'calls'));
    const r = runJob('tokenscope-deploy', { FAKE_DEPLOY_FAIL: 'acme' });
    expect(r.code).toBe(1);
    expect(r.calls).toHaveLength(1);
  });

  it.each([['0', 0], ['2', 2], ['1', 1]])('drift: exit %s fails the job with %p, and both reports are kept', (rc, want) => {
    const r = runJob('tokenscope-drift', { TOKENSCOPE_CMD: 'fake-drift', FAKE_DRIFT_RC: rc, CI_NODE_INDEX: '3', CI_NODE_TOTAL: '4' });
    expect(r.code).toBe(want);
    expect(r.calls).toEqual(['drift drift --synth-dir cdktf.out --format json --output drift-3.json --junit-output drift-3.xml']);
    expect(fs.existsSync(path.join(tmp, 'drift-3.json')) && fs.existsSync(path.join(tmp, 'drift-3.xml'))).toBe(true);
  });

  it('bash is available for these tests', () => {
    expect(execFileSync('bash', ['-c', 'echo ok'], { encoding: 'utf8' })).toBe('ok\n');
  });
});

/** The Terraform install step of .tokenscope-terraform, run in bash with a fake download and no terraform on PATH. */
describe('the Terraform download is checked against its SHA256', () => {
  const OFFICIAL = {
    amd64: '1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc',
    arm64: 'a43d1d0da9b9bab214a8305a39db0e40869572594ccf50c416a7756499143633',
  };
  let tmp: string;
  let zip: string;
  let zipSum: string;
  const install = () => (main().config['.tokenscope-terraform'] as { before_script: string[] }).before_script.find((l) => l.includes('terraform version')) as string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-terraform-'));
    fs.mkdirSync(path.join(tmp, 'bin'));
    fs.writeFileSync(path.join(tmp, 'bin', 'curl'), `#!/bin/bash\necho "curl $*" >> "${tmp}/calls"\nwhile [ $# -gt 0 ]; do [ "$1" = "-fsSLo" ] && cp "${tmp}/terraform.zip" "$2"; shift; done\n`, { mode: 0o755 });
    zip = path.join(tmp, 'terraform.zip');
    execFileSync('/usr/bin/python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w")\nz.writestr("terraform", "#!/bin/sh\\necho Terraform v1.11.4 fake\\n")\nz.close()', zip]);
    zipSum = execFileSync('sha256sum', [zip], { encoding: 'utf8' }).split(' ')[0];
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function runInstall(env: Record<string, string>) {
    const tfbin = fs.mkdtempSync(path.join(tmp, 'tfbin-'));
    fs.rmSync(path.join(tmp, 'calls'), { force: true });
    // No terraform on PATH: only the fakes, the install target and the system's own tools (terraform lives in /usr/local/bin).
    const res = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -eo pipefail\n${install()}`], {
      cwd: tmp, encoding: 'utf8',
      env: {
        PATH: `${path.join(tmp, 'bin')}:${tfbin}:/usr/bin:/bin`, HOME: tmp,
        TOKENSCOPE_TERRAFORM_VERSION: '1.11.4', TOKENSCOPE_TERRAFORM_ARCH: 'amd64', TOKENSCOPE_TERRAFORM_SHA256: '', TOKENSCOPE_TERRAFORM_BIN_DIR: tfbin,
        ...env,
      },
    });
    const calls = fs.existsSync(path.join(tmp, 'calls')) ? fs.readFileSync(path.join(tmp, 'calls'), 'utf8').trim().split('\n') : [];
    return { code: res.status, out: res.stdout, err: res.stderr, installed: fs.existsSync(path.join(tfbin, 'terraform')), calls };
  }

  it('the template carries HashiCorp\'s SHA256SUMS values for 1.11.4 linux amd64 and arm64', () => {
    const text = read('tokenscope.gitlab-ci.yml');
    expect(text).toContain(`1.11.4/amd64) tf_sum=${OFFICIAL.amd64} ;;`);
    expect(text).toContain(`1.11.4/arm64) tf_sum=${OFFICIAL.arm64} ;;`);
    expect(main().config.variables).toMatchObject({ TOKENSCOPE_TERRAFORM_SHA256: '', TOKENSCOPE_TERRAFORM_BIN_DIR: '/usr/local/bin' });
  });

  it('installs a zip whose SHA256 matches TOKENSCOPE_TERRAFORM_SHA256 (any case)', () => {
    const r = runInstall({ TOKENSCOPE_TERRAFORM_SHA256: zipSum.toUpperCase() });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.installed).toBe(true);
    expect(r.out).toContain('Terraform v1.11.4 fake');
    expect(r.calls).toEqual(['curl -fsSLo ' + r.calls[0].split(' ')[2] + ' https://releases.hashicorp.com/terraform/1.11.4/terraform_1.11.4_linux_amd64.zip']);
  });

  it('takes the whole SHA256SUMS line as well as the sum alone (the message says "its line")', () => {
    const r = runInstall({ TOKENSCOPE_TERRAFORM_SHA256: `${zipSum}  terraform_1.11.4_linux_amd64.zip` });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.installed).toBe(true);
  });

  it('refuses a zip that does not match, and installs nothing', () => {
    const wrong = '0'.repeat(64);
    const r = runInstall({ TOKENSCOPE_TERRAFORM_SHA256: wrong });
    expect(r.code).toBe(1);
    expect(r.installed).toBe(false);
    expect(r.out).toContain(`tokenscope: terraform_1.11.4_linux_amd64.zip does not have the SHA256 ${wrong}; not installing it`);
  });

  it.each([['amd64'], ['arm64']] as const)('checks 1.11.4 %s against the built-in sum when the variable is empty', (arch) => {
    const r = runInstall({ TOKENSCOPE_TERRAFORM_ARCH: arch });
    // The fake zip is not HashiCorp's: the built-in sum refuses it.
    expect(r.code).toBe(1);
    expect(r.installed).toBe(false);
    expect(r.out).toContain(`tokenscope: terraform_1.11.4_linux_${arch}.zip does not have the SHA256 ${OFFICIAL[arch]}; not installing it`);
  });

  it('fails closed for a version it has no sum for, before downloading anything', () => {
    const r = runInstall({ TOKENSCOPE_TERRAFORM_VERSION: '1.12.0' });
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.out).toContain(
      'tokenscope: no SHA256 known for terraform_1.12.0_linux_amd64.zip: set TOKENSCOPE_TERRAFORM_SHA256 to its line in ' +
        'https://releases.hashicorp.com/terraform/1.12.0/terraform_1.12.0_SHA256SUMS',
    );
  });
});
