import * as path from 'path';
import { startSandbox } from '../../lib/sandbox';
import { cli, OPS_READ } from '../drift/helpers';

const FIXTURES = path.join(__dirname, '..', 'plan', 'fixtures');
const run = (args: string[], env: Record<string, string> = {}) => cli(['plan-summary', ...args], env, FIXTURES);

describe('plan-summary: the reach section', () => {
  it('per changed project: origins before and after, groups expanded (here through the lock file)', async () => {
    const r = await run(['acme.plan.json', '--lock', 'lock.json']);
    expect(r.code).toBe(0);
    const section = r.out.slice(r.out.indexOf('#### Reach'));
    expect(section).toContain('| `acme/platform/tools/release-cli` | 3 | 5 | +3 / −1 | `acme/data` (2) |');
    expect(section).toContain('| `acme/platform/deployer` | any project | 1 | any project → 1 | – |');
    expect(section).toContain('| `acme/legacy` | 1 | any project | 1 → any project | – |');
    // A destroyed scope: the provider leaves the allowlist on and empty.
    expect(section).toContain('| `acme/old-service` | 6 | 0 | +0 / −6 | – |');
    expect(section).toContain('- group members from the lock file (only the projects it names; --expand-groups reads GitLab)');
    const json = JSON.parse((await run(['acme.plan.json', '--lock', 'lock.json', '--format', 'json'])).out);
    expect(json.reach.source).toBe('lock');
    expect(json.reach.projects.find((p: { project: string }) => p.project === 'acme/platform/tools/release-cli'))
      .toEqual({ project: 'acme/platform/tools/release-cli', before: 3, after: 5, added: 3, removed: 1, notes: [], groups: [{ group: 'acme/data', projects: 2 }] });
  });

  it('a risk when one entry lets more than --max-group-projects projects in (default 50)', async () => {
    const r = await run(['acme.plan.json', '--lock', 'lock.json', '--max-group-projects', '1', '--format', 'json']);
    const json = JSON.parse(r.out);
    expect(json.reach.risks).toEqual(['group entry acme on acme/web lets 5 more projects reach it (more than --max-group-projects 1), and every project created under acme later']);
    expect(JSON.parse((await run(['acme.plan.json', '--lock', 'lock.json', '--format', 'json'])).out).reach.risks).toEqual([]);
    const md = await run(['acme.plan.json', '--lock', 'lock.json', '--max-group-projects', '1']);
    expect(md.out).toContain('- :warning: group entry acme on acme/web lets 5 more projects reach it');
    const bad = await run(['acme.plan.json', '--max-group-projects', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('tokenscope plan-summary: --max-group-projects "x" must be a whole number from 1 to 1000000\n');
  });

  it('--expand-groups reads the groups\' projects over GitLab, batched and read-only', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const r = await run(['acme.plan.json', '--lock', 'lock.json', '--expand-groups', '--format', 'json'], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ });
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out);
      expect(json.reach.source).toBe('gitlab');
      // acme (the web scope's new group entry) has the demo's 11 projects.
      expect(json.reach.projects.find((p: { project: string }) => p.project === 'acme/web').groups).toEqual([{ group: 'acme', projects: 11 }]);
      expect(sb.stats().mutations).toBe(0);
      expect(sb.stats().httpRequests).toBeLessThanOrEqual(2);
    } finally {
      await sb.stop();
    }
  });
});
