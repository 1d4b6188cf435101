/**
 * `npm start`: the demo. With terraform on PATH the whole loop (drift, plan per
 * stack, plan-summary of the real plans, apply, drift in sync); without it,
 * drift only and one line saying why. The sandbox runs on the demo seed's clock,
 * so the output is the same on any date.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { demoCommand } from '../../lib/cli/commands/demo';
import { memoryIO } from '../../lib/cli/io';
import { loopBlocker } from '../../lib/demo/preconditions';
import { SECRETS } from '../terraform/acme';
import { requireTerraform } from '../terraform/harness';

const USERS_TOKEN = 'glpat-a-users-own-token-must-stay-home';

jest.setTimeout(180_000);

/** The ```text block of the README's drift section: the demo output it shows. */
function readmeDemoOutput(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Drift: declared scope against live GitLab'));
  const start = section.indexOf('```text\n') + '```text\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

const IN_SYNC = `tokenscope drift: 11 projects, 11 in sync, 0 drifted, 0 unreadable (3 HTTP requests)

acme-data
  acme/data/etl                    in sync
  acme/data/warehouse              in sync

acme-platform
  acme/platform/deployer           in sync
  acme/platform/runner-images      in sync
  acme/platform/tools/lint         in sync
  acme/platform/tools/release-cli  in sync

acme-security
  acme/security/scanner            in sync
  acme/security/secrets            in sync

acme-web
  acme/web/checkout                in sync
  acme/web/design-system           in sync
  acme/web/storefront              in sync
`;

const NO_TERRAFORM = 'tokenscope demo: terraform is not on PATH, so this run shows drift only; for the whole loop (terraform plan per stack, ' +
  'plan-summary of the real plans, apply, then drift in sync), put Terraform 1.5 or later on PATH ' +
  '(https://developer.hashicorp.com/terraform/install; tested with 1.11) and run npm start again\n';

const DRIFT_ONLY_END = /\nThe demo org's live state differs from the example app on purpose\. A real run would exit 2 \(0 in sync, 2 drift, 1 unreadable or error\)\. Sandbox: \d+ HTTP requests, 0 mutations\.\n$/;

/** The text between two markers of the demo's output. */
function between(out: string, from: string, to: string): string {
  const i = out.indexOf(from);
  const j = out.indexOf(to, i + from.length);
  if (i < 0 || j < 0) throw new Error(`no "${from}" ... "${to}" in:\n${out}`);
  return out.slice(i, j);
}

describe('tokenscope demo (npm start) with terraform on PATH: the whole loop', () => {
  it('drift (the README report), plan per stack, plan-summary of the real plans, apply, then drift in sync; exit 0', async () => {
    const version = await requireTerraform();
    // A user's own token in the environment: the demo neither uses nor shows it.
    const io = memoryIO({ PATH: process.env.PATH, HOME: os.tmpdir(), GITLAB_TOKEN: USERS_TOKEN }, process.cwd());
    const code = await demoCommand({ format: 'text', faultRate: '0', progress: false }, io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toMatch(/^tokenscope demo: sandbox GitLab at http:\/\/127\.0\.0\.1:\d+ with the acme org; tokenscope's built-in acme example app \(main\.ts\) synthesized to \S+ \(temporary\)\n/);
    expect(between(out, 'tokenscope drift: ', '\nThe demo org')).toBe(readmeDemoOutput());
    expect(out).toContain('\nThe demo org\'s live state differs from the example app on purpose. A real run would exit 2 (0 in sync, 2 drift, 1 unreadable or error).\n\n' +
      `Terraform ${version}, through the sandbox\'s provider stand-in (gitlabhq/gitlab 18.6.1), as user ops; state GitLab-managed in the sandbox ` +
      '(project 101, acme/platform/deployer); 4 stacks side by side.\n' +
      'running: terraform init, terraform plan -detailed-exitcode -out=plan.tfplan, terraform show -json plan.tfplan > plan.json, in each stack\n' +
      '  acme-data      Plan: 2 to add, 0 to change, 0 to destroy.\n' +
      '  acme-platform  Plan: 1 to import, 3 to add, 0 to change, 0 to destroy.\n' +
      '  acme-security  Plan: 2 to add, 0 to change, 0 to destroy.\n' +
      '  acme-web       Plan: 3 to add, 0 to change, 0 to destroy.\n\n' +
      'running: tokenscope plan-summary --auth-log stacks/acme-data/plan.json stacks/acme-platform/plan.json stacks/acme-security/plan.json stacks/acme-web/plan.json\n\n' +
      '### tokenscope plan review\n\n' +
      '**4 stacks: 10 job-token scopes change (10 created); 20 entries added, 0 removed; 1 imported. 2 risks.**\n\n' +
      '#### :warning: Risks (2)\n\n' +
      // On the seed's clock: the same words on any date.
      '- acme/platform/tools/release-cli: will block acme/data/etl, last used 1 day ago (scope created without it)\n' +
      '- acme/web/checkout: will block acme/data/etl, last used 631 days ago (scope created without it)\n');
    expect(out).toContain('| `acme/web/checkout` | created | **on** | `acme/platform/deployer`<br>`acme/web/storefront` | – |\n');
    // main.ts adopts acme/platform/tools/lint as it is (importExisting).
    expect(out).toContain('\n1 scope unchanged.\n\nImported as GitLab holds it (no change; Terraform manages it from now on): `acme/platform/tools/lint`.\n');
    expect(out).toContain('\nrunning: terraform apply plan.tfplan, in each stack with changes\n' +
      '  acme-data      Apply complete! Resources: 2 added, 0 changed, 0 destroyed.\n' +
      '  acme-platform  Apply complete! Resources: 1 imported, 3 added, 0 changed, 0 destroyed.\n' +
      '  acme-security  Apply complete! Resources: 2 added, 0 changed, 0 destroyed.\n' +
      '  acme-web       Apply complete! Resources: 3 added, 0 changed, 0 destroyed.\n\n' +
      'running: tokenscope drift --synth-dir ');
    expect(between(out, 'tokenscope drift: 11 projects, 11', '\nAfter apply')).toBe(IN_SYNC);
    expect(out).toMatch(/\nAfter apply the demo org is in sync with the example app: a real run exits 0\. \(The release-cli finding of the first run came from the authentication log: it is about the example app, which apply does not change, and drift --auth-log still reports it\.\)\nSandbox: \d+ HTTP requests, 13 mutations \(all by terraform apply\), \d+ state API calls; Terraform: 16 runs\.\n$/);
    for (const secret of [USERS_TOKEN, ...SECRETS]) {
      for (const form of [secret, secret.slice(2, 14), Buffer.from(`ops:${secret}`).toString('base64')]) expect(out).not.toContain(form);
    }
  });
});

describe('tokenscope demo without the loop', () => {
  it('without terraform on PATH: one line saying why and how, then the drift report the README shows; exit 0', async () => {
    const io = memoryIO({ PATH: '/nonexistent-tokenscope-path' }, process.cwd());
    // This process's PATH too: cdktf's own synth check looks for terraform there (import blocks), and must not stop the demo.
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-tokenscope-path';
    let code: number;
    try {
      code = await demoCommand({ format: 'text', faultRate: '0', progress: false }, io);
    } finally {
      process.env.PATH = saved;
    }
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    expect(out.startsWith(NO_TERRAFORM + 'tokenscope demo: sandbox GitLab at ')).toBe(true);
    expect(between(out, 'tokenscope drift: ', '\nThe demo org')).toBe(readmeDemoOutput());
    expect(out).toMatch(DRIFT_ONLY_END);
  });

  it('run from an ops repo, says it checks its own example, not ./main.ts', async () => {
    const ops = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-ops-'));
    try {
      fs.writeFileSync(path.join(ops, 'main.ts'), '// the ops repo\'s own app\n');
      const io = memoryIO({}, ops);
      expect(await demoCommand({ format: 'text', faultRate: '0', progress: false, terraform: false }, io)).toBe(0);
      const example = path.join(__dirname, '..', '..', 'main.ts');
      expect(io.out().split('\n')[0]).toContain(
        `with the acme org; tokenscope's built-in acme example app (${example}) (not ./main.ts: the demo always checks this example ` +
          'against the demo org; `tokenscope drift` checks your app) synthesized to ',
      );
    } finally {
      fs.rmSync(ops, { recursive: true, force: true });
    }
  });

  it('--no-terraform: drift only, no line about terraform', async () => {
    const io = memoryIO({ PATH: process.env.PATH }, process.cwd());
    expect(await demoCommand({ format: 'text', faultRate: '0', progress: false, terraform: false }, io)).toBe(0);
    expect(io.out().startsWith('tokenscope demo: sandbox GitLab at ')).toBe(true);
    expect(io.out()).toMatch(DRIFT_ONLY_END);
  });

  it('--format json: one drift report on stdout, nothing else', async () => {
    const io = memoryIO({ PATH: process.env.PATH }, process.cwd());
    expect(await demoCommand({ format: 'json', faultRate: '0', progress: false }, io)).toBe(0);
    expect(JSON.parse(io.out()).summary).toMatchObject({ projects: 11, inSync: 6, drifted: 5 });
  });

  it('main.ts problems still stop the demo: only cdktf\'s terraform check is left out of the synth validation', async () => {
    const { synthesizeMainTs } = await import('../../lib/demo/synth');
    const main = await import('../../main');
    const { JobTokenScope } = await import('../../lib');
    const original = main.buildAcme;
    const spy = jest.spyOn(main, 'buildAcme').mockImplementation((app, props) => {
      const stacks = original(app, props);
      new JobTokenScope(stacks[0], 'bad', { project: 'not a path' });
      return stacks;
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-synth-'));
    try {
      await expect(synthesizeMainTs(dir, 'http://127.0.0.1:1')).rejects.toThrow(new Error('main.ts does not validate:\n  [acme-platform/bad] JobTokenScope for project "not a path": project "not a path" ' +
        'contains white space; use a full path ("group/project") or a numeric id'));
    } finally {
      spy.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says why the loop does not run: fault rate, terraform missing, terraform too old', async () => {
    expect(await loopBlocker({ format: 'text', faultRate: 0.2, terraform: true }, { PATH: process.env.PATH })).toEqual({
      line: '--fault-rate shows drift\'s retries, so this run shows drift only (Terraform\'s http state backend waits 5 s before each retry); ' +
        'run without --fault-rate for the whole loop (terraform plan per stack, plan-summary of the real plans, apply, then drift in sync)',
    });
    expect(await loopBlocker({ format: 'text', faultRate: 0, terraform: true }, {})).toEqual({ line: NO_TERRAFORM.slice('tokenscope demo: '.length, -1) });
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'old-terraform-'));
    try {
      fs.writeFileSync(path.join(bin, 'terraform'), '#!/bin/sh\necho \'{"terraform_version":"1.4.7"}\'\n', { mode: 0o755 });
      expect(await loopBlocker({ format: 'text', faultRate: 0, terraform: true }, { PATH: bin })).toEqual({
        line: 'terraform 1.4.7 on PATH is older than 1.5 (import blocks), so this run shows drift only; put Terraform 1.5 or later on PATH ' +
          '(tested with 1.11) for the whole loop (terraform plan per stack, plan-summary of the real plans, apply, then drift in sync)',
      });
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
    expect(await loopBlocker({ format: 'markdown', faultRate: 0, terraform: true }, { PATH: process.env.PATH })).toEqual({});
    expect(await loopBlocker({ format: 'text', faultRate: 0, terraform: false }, { PATH: process.env.PATH })).toEqual({});
    expect((await loopBlocker({ format: 'text', faultRate: 0, terraform: true }, { PATH: process.env.PATH })).version).toMatch(/^1\.11\./);
  });

  it('refuses a fault rate outside 0..1 with the exact words', async () => {
    const io = memoryIO({}, process.cwd());
    expect(await demoCommand({ format: 'text', faultRate: '1.5', progress: false }, io)).toBe(1);
    expect(io.err()).toBe('tokenscope demo: --fault-rate "1.5" must be a number from 0 to below 1\n');
  });
});
