/**
 * The three pipelines of the CI template, run job by job by gitlab-ci-local in
 * an ops repo made by `tokenscope init` from the packed tarball, against the
 * sandbox, the provider stand-in and real Terraform (rig.ts says what runs
 * where). The history: `main` (init, then a declared change, deployed by the
 * manual job), a merge request branch with one change and then another, and
 * scheduled drift checks on `main`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { REPO } from '../package/helpers';
import { artifact, buildFile, describeRun, listPipeline, ListedJob, PipelineRun } from './gcl';
import { COMPONENT_PROJECT, PKG_VERSION } from './ops-repo';
import { leaksIn, leaksUnder } from '../support/leaks';
import { PipelineKind, PipelineRig, startPipelineRig } from './rig';
import { CHANGES, MR_IID, OPS_PROJECT, OPS_PROJECT_ID, PIPELINE_TOKENS, pipelinesSeed } from './seed';

jest.setTimeout(600_000);

const MR_BRANCH = 'allow-scanner-into-secrets';
const ALL_PROJECTS = [...(pipelinesSeed().projects ?? []).map((p) => p.path)].sort();

let rig: PipelineRig;
beforeAll(async () => { rig = await startPipelineRig(); }, 900_000);
afterAll(async () => { await rig?.stop(); });

const expectPassed = (r: PipelineRun, jobs: string[]) => {
  const got = [...r.jobs.values()].map((j) => `${j.name}: ${j.passed ? 'passed' : `failed (${j.exitCode})`}`);
  if (got.join('\n') !== jobs.map((j) => `${j}: passed`).join('\n')) throw new Error(`expected ${jobs.join(', ')} to pass\n${describeRun(r)}`);
};
const stateRequests = () => rig.tf.sandbox.requests().filter((q) => q.path.includes('/terraform/state/'));
const scopeWrites = () => rig.tf.sandbox.requests().filter((q) => q.method !== 'GET' && q.path.includes('/job_token_scope'));

/** A project's live allowlist in the sandbox (its own entry left out). */
function live(pathOf: string) {
  const st = rig.tf.sandbox.state;
  const p = st.projectByPath(pathOf)!;
  return {
    limitAccess: p.inboundEnabled,
    projects: [...p.projectLinks.values()].filter((l) => l.targetId !== p.id).map((l) => st.projects.get(l.targetId)!.fullPath).sort(),
    groups: [...p.groupLinks.values()].map((l) => st.groups.get(l.targetId)!.fullPath).sort(),
  };
}

describe('the CI/CD component', () => {
  const spec = (file: string) => (parseAllDocuments(fs.readFileSync(path.join(REPO, 'templates', file), 'utf8'))[0].toJS() as { spec: { inputs: Record<string, unknown> } }).spec.inputs;

  it('ships in the Catalog layout (templates/<name>.yml) in the tarball, with the template it includes', () => {
    expect(rig.packed.files).toEqual(expect.arrayContaining(['templates/tokenscope.yml', 'templates/tokenscope.gitlab-ci.yml']));
  });

  it('declares the same inputs as the template and passes every one through to its one include, the template', () => {
    expect(spec('tokenscope.yml')).toEqual(spec('tokenscope.gitlab-ci.yml'));
    const config = parseAllDocuments(fs.readFileSync(path.join(REPO, 'templates', 'tokenscope.yml'), 'utf8'))[1].toJS() as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(['include']);
    expect(config.include).toEqual([{
      local: '/templates/tokenscope.gitlab-ci.yml',
      inputs: Object.fromEntries(Object.keys(spec('tokenscope.yml')).map((k) => [k, `$[[ inputs.${k} ]]`])),
    }]);
  });

  it('include: component: (cloned from the git host at the release tag) expands to the very jobs of include: local: of the copy init vendored', async () => {
    const inputs = [
      'drift_shards: 3', 'stage_synth: prepare', 'stage_check: review', 'stage_deploy: release', 'stacks: acme', 'mr_note: false',
      'image: node:20-alpine', 'install: npm ci --offline', 'synth_dir: out', 'plan_summary_args: --resolve', 'drift_args: --auth-log',
    ].map((l) => `      ${l}\n`).join('');
    const ci = (include: string) => `include:\n  - ${include}\n    inputs:\n${inputs}stages: [prepare, review, release]\n`;
    fs.writeFileSync(path.join(rig.work, 'local.yml'), ci('local: .gitlab/ci/tokenscope.gitlab-ci.yml'));
    fs.writeFileSync(path.join(rig.work, 'component.yml'), ci(`component: $CI_SERVER_FQDN/${COMPONENT_PROJECT}/tokenscope@${PKG_VERSION}`));
    const vars = rig.gitlabVars('merge-request', MR_BRANCH);
    const viaLocal = await listPipeline(rig.repo.dir, { ...vars, file: '../local.yml' });
    expect(viaLocal.run.code).toBe(0);
    const viaComponent = await listPipeline(rig.repo.dir, { ...vars, file: '../component.yml' });
    expect(viaComponent.run.code).toBe(0);
    expect(rig.git.requests).toContain(`POST /${COMPONENT_PROJECT}.git/git-upload-pack`);
    const { include: _a, ...local } = viaLocal.expanded;
    const { include: _b, ...component } = viaComponent.expanded;
    expect(component).toEqual(local);
    expect(viaComponent.jobs).toEqual(viaLocal.jobs);
    // Every input arrived (a dropped one would fall back to its default).
    expect(viaComponent.jobs.map((j) => `${j.name} ${j.stage}`)).toEqual([
      'tokenscope-synth prepare', 'tokenscope-plan review', 'tokenscope-deploy release',
      'tokenscope-drift: [1/3] review', 'tokenscope-drift: [2/3] review', 'tokenscope-drift: [3/3] review',
    ]);
    const plan = component['tokenscope-plan'] as { image: string; before_script: string[]; script: string[]; variables: Record<string, string> };
    expect(plan.image).toEqual({ name: '$TOKENSCOPE_IMAGE' });
    expect(plan.before_script[0]).toBe('npm ci --offline');
    expect(plan.script.join('\n')).toContain('"${TOKENSCOPE_MR_NOTE:-false}" = "true"');
    expect(component.variables).toMatchObject({
      TOKENSCOPE_IMAGE: 'node:20-alpine', TOKENSCOPE_STACKS: 'acme', TOKENSCOPE_SYNTH_DIR: 'out',
      TOKENSCOPE_PLAN_SUMMARY_ARGS: '--resolve', TOKENSCOPE_DRIFT_ARGS: '--auth-log',
    });
  });
});

describe('schema: each pipeline validates, with the jobs it should have', () => {
  const row = (j: ListedJob) => [j.name, j.stage, j.when, ...(j.needs ?? []).map((n) => `needs ${n.job}`)].join(' | ');
  const synth = 'tokenscope-synth | build | on_success';
  const jobs = (plan: string, deploy: string, drift: string) => [
    synth, `tokenscope-plan | test | ${plan} | needs tokenscope-synth`, `tokenscope-deploy | deploy | ${deploy} | needs tokenscope-synth`,
    `tokenscope-drift: [1/2] | test | ${drift} | needs tokenscope-synth`, `tokenscope-drift: [2/2] | test | ${drift} | needs tokenscope-synth`,
  ];
  it.each<[PipelineKind, string, string[]]>([
    ['merge-request', MR_BRANCH, jobs('on_success', 'never', 'never')],
    ['default-branch', 'main', jobs('never', 'manual', 'never')],
    ['schedule', 'main', jobs('never', 'never', 'on_success')],
  ])('%s pipeline', async (kind, branch, want) => {
    const listed = await listPipeline(rig.repo.dir, rig.gitlabVars(kind, branch));
    expect(listed.run.err).toContain('json schema validated');
    expect(listed.run.code).toBe(0);
    expect(listed.jobs.map(row)).toEqual(want);
    // parallel: 2 from the ops repo's drift_shards input, expanded into the two shard jobs above.
    expect((listed.expanded['tokenscope-drift'] as { parallel: number }).parallel).toBe(2);
    expect((listed.expanded['tokenscope-deploy'] as { resource_group: string }).resource_group).toBe('tokenscope-deploy');
  });

  it.each([
    ['drift_shards: 0', "property 'parallel' must be >= 1 at tokenscope-drift.parallel"],
    ['mr_note: "yes"', '`mr_note` input: provided value is not a boolean.'],
  ])('a pipeline GitLab would refuse is refused here too (%s)', async (input, message) => {
    fs.writeFileSync(path.join(rig.work, 'bad.yml'), `include:\n  - local: .gitlab/ci/tokenscope.gitlab-ci.yml\n    inputs:\n      ${input}\n`);
    const listed = await listPipeline(rig.repo.dir, { ...rig.gitlabVars('schedule'), file: '../bad.yml' });
    expect(listed.run.code).not.toBe(0);
    expect(listed.run.out + listed.run.err).toContain(message);
  });
});

describe('default branch pipeline: the manual deploy applies', () => {
  let run: PipelineRun;
  const lockSeen: string[] = [];
  beforeAll(async () => {
    rig.repo.edit(CHANGES.main.file, CHANGES.main.from, CHANGES.main.to);
    await rig.repo.commit('Let the warehouse take jobs from etl');
    rig.tf.sandbox.clearRequests();
    // Watch the state's lock while the pipeline runs (the sandbox answers from this process).
    const watch = setInterval(() => {
      const lock = rig.tf.sandbox.terraformStates.find(OPS_PROJECT_ID, 'acme')?.lock;
      if (lock && !lockSeen.includes(lock.username)) lockSeen.push(lock.username);
    }, 20);
    try {
      run = await rig.run('default-branch', 'default-branch', { manual: ['tokenscope-deploy'] });
    } finally {
      clearInterval(watch);
    }
  });

  it('synth, then the deploy run on demand: cdktf deploy through real Terraform and the stand-in', () => {
    expectPassed(run, ['tokenscope-synth', 'tokenscope-deploy']);
    const deploy = run.jobs.get('tokenscope-deploy')!;
    expect(deploy.log).toContain('== cdktf deploy: acme');
    expect(deploy.log).toMatch(/Apply complete! Resources: 12 imported, 1 added, 0 changed, 1 destroyed\./);
  });

  it('the sandbox\'s allowlists are the declaration: what init imported plus the change on main', () => {
    for (const p of pipelinesSeed().projects ?? []) {
      const want = {
        limitAccess: p.limitAccess ?? true,
        projects: [...(p.allowlist?.projects ?? []) as string[], ...(p.path === CHANGES.main.project ? [CHANGES.main.addProject] : [])].sort(),
        groups: [...(p.allowlist?.groups ?? []) as string[]].sort(),
      };
      expect({ project: p.path, ...live(p.path) }).toEqual({ project: p.path, ...want });
    }
  });

  it('the state is saved in the ops project, under the job token, and was locked during the apply', () => {
    const state = rig.tf.sandbox.terraformStates.find(OPS_PROJECT_ID, 'acme')!;
    expect(state.lock).toBeNull();
    const resources = (JSON.parse(state.data!) as { resources: Array<{ type: string; mode: string }> }).resources.filter((r) => r.mode === 'managed');
    expect(resources.filter((r) => r.type === 'gitlab_project_job_token_scopes')).toHaveLength(ALL_PROJECTS.length);
    expect(lockSeen).toEqual(['ops']);
    const calls = stateRequests().map((q) => `${q.method} ${q.path.replace(/.*\/terraform\/state\//, '')}${q.query ? ` ${q.query.replace(/=[0-9a-f-]{36}$/, '=<lock id>')}` : ''} ${q.status}`);
    const lockAt = calls.indexOf('POST acme/lock 200');
    const writeAt = calls.findIndex((c) => /^POST acme ID=<lock id> 200$/.test(c));
    const unlockAt = calls.indexOf('DELETE acme/lock 200');
    expect(lockAt).toBeGreaterThanOrEqual(0);
    expect(writeAt).toBeGreaterThan(lockAt);
    expect(unlockAt).toBeGreaterThan(writeAt);
    // Every write of the state carried the lock's id.
    const writes = calls.filter((c) => c.startsWith('POST acme '));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.includes('ID=<lock id>'))).toBe(true);
  });
});

describe('merge request pipeline: plan and review', () => {
  let first: PipelineRun;
  let second: PipelineRun;
  const notes = () => rig.tf.sandbox.state.projectByPath(OPS_PROJECT)!.mergeRequests.get(MR_IID)!.notes;
  const noteWrites = () => rig.tf.sandbox.requests().filter((q) => q.method !== 'GET' && q.path.includes('/notes')).map((q) => `${q.method} ${q.path} ${q.status}`);
  beforeAll(async () => {
    await rig.repo.checkout(MR_BRANCH, true);
    rig.repo.edit(CHANGES.mr1.file, CHANGES.mr1.from, CHANGES.mr1.to);
    await rig.repo.commit('Let secrets take jobs from the scanner');
    rig.tf.sandbox.clearRequests();
    first = await rig.run('merge-request 1', 'merge-request', { branch: MR_BRANCH });
  });

  it('synth, then plan: real terraform plan through the stand-in, from the state the deploy saved', () => {
    expectPassed(first, ['tokenscope-synth', 'tokenscope-plan']);
    const plan = first.jobs.get('tokenscope-plan')!;
    expect(plan.log).toContain('== terraform plan: acme');
    expect(plan.log).toContain('Plan: 1 to add, 0 to change, 1 to destroy.');
    expect(stateRequests().map((q) => `${q.method} ${q.status}`)).toEqual(expect.arrayContaining(['GET 200']));
    expect(stateRequests().filter((q) => q.method !== 'GET')).toEqual([]);
    expect(scopeWrites()).toEqual([]);
  });

  it('plan-summary: the note is on the merge request, and the Terraform widget report has the counts of the plan', () => {
    expect(noteWrites()).toEqual([`POST /api/v4/projects/${OPS_PROJECT_ID}/merge_requests/${MR_IID}/notes 201`]);
    expect(notes()).toHaveLength(1);
    expect(notes()[0].body).toContain('acme/security/secrets');
    const plan = first.jobs.get('tokenscope-plan')!;
    expect(buildFile(plan, 'tokenscope-plan-report.json')).toBe('{"create":1,"update":0,"delete":1}\n');
    expect(artifact(plan, 'tokenscope-plan.md')).toContain('acme/security/secrets');
    // The same counts, from Terraform's own plan JSON (left in the job's directory, never an artifact).
    const planJson = JSON.parse(buildFile(plan, 'cdktf.out/stacks/acme/plan.json')!) as
      { resource_changes: Array<{ change: { actions: string[] } }> };
    const count = (a: string) => planJson.resource_changes.flatMap((r) => r.change.actions).filter((x) => x === a).length;
    expect({ create: count('create'), update: count('update'), delete: count('delete') }).toEqual({ create: 1, update: 0, delete: 1 });
    expect(fs.readdirSync(plan.artifactsDir)).toEqual(['tokenscope-plan.md']);
  });

  it('a second pipeline (one more commit) updates the note instead of adding one', async () => {
    const id = notes()[0].id;
    rig.repo.edit(CHANGES.mr2.file, CHANGES.mr2.from, CHANGES.mr2.to);
    await rig.repo.commit('Let lint take jobs from the security group');
    rig.tf.sandbox.clearRequests();
    second = await rig.run('merge-request 2', 'merge-request', { branch: MR_BRANCH });
    expectPassed(second, ['tokenscope-synth', 'tokenscope-plan']);
    expect(noteWrites()).toEqual([`PUT /api/v4/projects/${OPS_PROJECT_ID}/merge_requests/${MR_IID}/notes/${id} 200`]);
    expect(notes().map((n) => n.id)).toEqual([id]);
    expect(notes()[0].body).toContain('acme/platform/tools/lint');
    expect(buildFile(second.jobs.get('tokenscope-plan'), 'tokenscope-plan-report.json')).toBe('{"create":2,"update":0,"delete":2}\n');
    expect(scopeWrites()).toEqual([]);
  });

  it('TOKENSCOPE_MR_NOTE=false, set as a CI/CD variable as before there were inputs, still keeps the note as it is (plan job retried alone)', async () => {
    const before = notes().map((n) => ({ ...n }));
    rig.tf.sandbox.clearRequests();
    const retry = await rig.run('merge-request retry', 'merge-request', { branch: MR_BRANCH, jobs: ['tokenscope-plan'], vars: { TOKENSCOPE_MR_NOTE: 'false' } });
    expectPassed(retry, ['tokenscope-plan']);
    expect(retry.jobs.get('tokenscope-plan')!.log).toContain('acme/platform/tools/lint');
    expect(noteWrites()).toEqual([]);
    expect(notes()).toEqual(before);
  });
});

describe('schedule pipeline: drift in 2 shards', () => {
  const shards = ['tokenscope-drift: [1/2]', 'tokenscope-drift: [2/2]'];
  const report = (r: PipelineRun, i: number) => JSON.parse(artifact(r.jobs.get(shards[i - 1]), `drift-${i}.json`) ?? 'null') as
    { summary: { projects: number; drifted: number }; projects: Array<{ project: string; status: string }> } | null;
  let inSync: PipelineRun;
  beforeAll(async () => {
    await rig.repo.checkout('main');
    inSync = await rig.run('schedule in sync', 'schedule');
  });

  it('an org in sync passes; each shard keeps its JSON and JUnit reports; together they name every project once', () => {
    expectPassed(inSync, ['tokenscope-synth', ...shards]);
    const named: string[] = [];
    for (const i of [1, 2]) {
      const r = report(inSync, i)!;
      expect(r.summary.drifted).toBe(0);
      expect(r.projects.length).toBeGreaterThan(0);
      const junit = artifact(inSync.jobs.get(shards[i - 1]), `drift-${i}.xml`)!;
      expect(junit).toContain(`<testsuites name="tokenscope drift" tests="${r.projects.length}" failures="0" errors="0">`);
      for (const p of r.projects) expect(junit).toContain(`name="${p.project}"`);
      named.push(...r.projects.map((p) => p.project));
    }
    expect(named.sort()).toEqual(ALL_PROJECTS);
  });

  it('a project changed in GitLab fails its shard with exit 2; the other shard passes', async () => {
    // Someone adds an entry by hand (the API the UI uses): acme/data/warehouse now also lets acme/security/scanner in.
    const res = await fetch(`${rig.tf.sandbox.url}/api/v4/projects/301/job_token_scope/allowlist`, {
      method: 'POST', headers: { 'private-token': PIPELINE_TOKENS.maintainer, 'content-type': 'application/json' }, body: JSON.stringify({ target_project_id: 401 }),
    });
    expect(res.status).toBe(201);
    const drifted = await rig.run('schedule drifted', 'schedule');
    const holder = [1, 2].find((i) => report(inSync, i)!.projects.some((p) => p.project === 'acme/data/warehouse'))!;
    const other = 3 - holder;
    expect(drifted.jobs.get(shards[holder - 1])).toMatchObject({ passed: false, exitCode: 2 });
    expect(drifted.jobs.get(shards[other - 1])).toMatchObject({ passed: true, exitCode: 0 });
    const r = report(drifted, holder)!;
    expect(r.projects.filter((p) => p.status === 'drifted').map((p) => p.project)).toEqual(['acme/data/warehouse']);
    expect(artifact(drifted.jobs.get(shards[holder - 1]), `drift-${holder}.xml`)).toContain('failures="1"');
  });
});

describe('tokens', () => {
  const TOKENS = Object.values(PIPELINE_TOKENS);

  it('no token in any job log, artifact or gitlab-ci-local output, the ops repo and its build directories, the notes or the state', () => {
    expect(rig.recorded.map((r) => r.label)).toEqual(['default-branch', 'merge-request 1', 'merge-request 2', 'merge-request retry', 'schedule in sync', 'schedule drifted']);
    const leaks = rig.recorded.flatMap((r) => r.texts.flatMap((t) => leaksIn(t.where, t.text, TOKENS)));
    leaks.push(...leaksUnder(rig.repo.dir, TOKENS, ['node_modules']));
    const st = rig.tf.sandbox.state.projectByPath(OPS_PROJECT)!;
    for (const n of st.mergeRequests.get(MR_IID)!.notes) leaks.push(...leaksIn(`note ${n.id}`, n.body, TOKENS));
    for (const s of rig.tf.sandbox.terraformStates.list()) leaks.push(...leaksIn(`state ${s.name}`, s.data ?? '', TOKENS));
    expect(leaks).toEqual([]);
  });
});
