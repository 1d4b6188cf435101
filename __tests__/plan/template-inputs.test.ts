/**
 * The template's inputs: typed, with defaults and descriptions; each sets the
 * default of the variable users set before there were inputs, which still
 * wins; `install` is every job's first step. The scripts run in bash with fakes
 * (the pipeline tests run them for real).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTemplate, resolveJob, scriptLines } from './gitlab-ci-rules';

const TEXT = fs.readFileSync(path.join(__dirname, '..', '..', 'templates', 'tokenscope.gitlab-ci.yml'), 'utf8');
const JOBS = ['tokenscope-synth', 'tokenscope-plan', 'tokenscope-deploy', 'tokenscope-drift'];

describe('spec:inputs', () => {
  const inputs = parseTemplate(TEXT).spec!.inputs as Record<string, { type?: string; default?: unknown; description?: string }>;

  it('every input has a GitLab type, a default of that type and a description', () => {
    expect(Object.keys(inputs)).toEqual([
      'drift_shards', 'stage_synth', 'stage_check', 'stage_deploy', 'stacks', 'mr_note', 'image', 'install', 'synth_dir', 'plan_summary_args', 'drift_args',
    ]);
    for (const [name, def] of Object.entries(inputs)) {
      const type = def.type ?? 'string';
      expect({ name, type: typeof def.default }).toEqual({ name, type });
      expect(def.description?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it('the inputs are the defaults of the variables; without inputs the variables are what they were', () => {
    expect(parseTemplate(TEXT).config.variables).toMatchObject({
      TOKENSCOPE_IMAGE: 'node:20-bookworm', TOKENSCOPE_SYNTH_DIR: 'cdktf.out', TOKENSCOPE_STACKS: '', TOKENSCOPE_PLAN_SUMMARY_ARGS: '',
      TOKENSCOPE_DRIFT_ARGS: '', TOKENSCOPE_CMD: 'npx --no-install tokenscope', TOKENSCOPE_DRIFT: 'true', TOKENSCOPE_MR_NOTE: '',
    });
    const given = parseTemplate(TEXT, { image: 'node:20-alpine', synth_dir: 'out', stacks: 'acme web', plan_summary_args: '--resolve', drift_args: '--auth-log' });
    expect(given.config.variables).toMatchObject({
      TOKENSCOPE_IMAGE: 'node:20-alpine', TOKENSCOPE_SYNTH_DIR: 'out', TOKENSCOPE_STACKS: 'acme web',
      TOKENSCOPE_PLAN_SUMMARY_ARGS: '--resolve', TOKENSCOPE_DRIFT_ARGS: '--auth-log',
    });
    // GitLab refuses a boolean as a variable's value: no variable takes a non-string input whole.
    for (const v of Object.values(given.config.variables as Record<string, unknown>)) expect(typeof v).toBe('string');
  });

  it('install is the first step of every job, npm ci by default', () => {
    const cfg = (i: Record<string, unknown> = {}) => parseTemplate(TEXT, i).config;
    for (const job of JOBS) {
      expect(scriptLines(resolveJob(cfg(), job), 'before_script')[0]).toBe('npm ci --cache .npm --prefer-offline --no-audit --no-fund');
      expect(scriptLines(resolveJob(cfg({ install: 'npm ls --depth=0' }), job), 'before_script')[0]).toBe('npm ls --depth=0');
    }
  });
});

describe('mr_note and TOKENSCOPE_MR_NOTE, in bash', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-inputs-'));
    fs.mkdirSync(path.join(tmp, 'bin'));
    fs.mkdirSync(path.join(tmp, 'cdktf.out', 'stacks', 'acme'), { recursive: true });
    const exe = (name: string, text: string) => fs.writeFileSync(path.join(tmp, 'bin', name), `#!/bin/bash\n${text}\n`, { mode: 0o755 });
    exe('terraform', 'case "$2" in show) echo "{}";; esac; exit 0');
    // plan-summary: records its arguments, writes the summary the job prints.
    exe('fake-tokenscope', `echo "$*" > "${tmp}/args"; echo summary > tokenscope-plan.md`);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each<[boolean, string | undefined, boolean]>([
    [true, undefined, true],
    [false, undefined, false],
    [false, 'true', true],
    [true, 'false', false],
  ])('mr_note %p with TOKENSCOPE_MR_NOTE %p: note posted %p', (input, variable, posted) => {
    const parsed = parseTemplate(TEXT, { mr_note: input });
    const vars = parsed.config.variables as Record<string, string>;
    const lines = scriptLines(resolveJob(parsed.config, 'tokenscope-plan'));
    const env: NodeJS.ProcessEnv = {
      PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`, HOME: tmp, ...vars, TOKENSCOPE_CMD: 'fake-tokenscope',
      ...(variable === undefined ? {} : { TOKENSCOPE_MR_NOTE: variable }),
    };
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -eo pipefail\n${lines.join('\n')}`], { cwd: tmp, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'args'), 'utf8').includes('--post-mr-note')).toBe(posted);
  });
});
