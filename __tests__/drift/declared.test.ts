import * as fs from 'fs';
import * as path from 'path';
import { readDeclared, listStacks } from '../../lib/drift/declared';
import { resolveDeclaredIds } from '../../lib/drift/resolve-targets';
import { collectPaths } from '../../lib/resolve';
import { parseLockFile } from '../../lib/lockfile';
import { synthAcme, tempDir } from './helpers';

const LOCK = parseLockFile(JSON.stringify({
  version: 1,
  projects: {
    'acme/platform/deployer': 101, 'acme/platform/runner-images': 102, 'acme/platform/tools/release-cli': 103, 'acme/platform/tools/lint': 104,
    'acme/web/storefront': 201, 'acme/web/checkout': 202, 'acme/web/design-system': 203,
    'acme/data/warehouse': 301, 'acme/data/etl': 302, 'acme/security/scanner': 401, 'acme/security/secrets': 402,
  },
  groups: { acme: 10, 'acme/platform': 11, 'acme/web': 13, 'acme/data': 14 },
}));

describe('declared reader on real synth output', () => {
  let plain: string;
  let locked: string;
  beforeAll(() => {
    plain = synthAcme(tempDir('declared'));
    locked = tempDir('declared-lock');
    fs.writeFileSync(path.join(locked, 'lock.json'), JSON.stringify(LOCK));
    synthAcme(locked, path.join(locked, 'lock.json'));
  });
  afterAll(() => {
    fs.rmSync(plain, { recursive: true, force: true });
    fs.rmSync(locked, { recursive: true, force: true });
  });

  it('reads every scope, targets as paths from the data sources, literal ids as ids', () => {
    const d = readDeclared(path.join(plain, 'cdktf.out'));
    expect(listStacks(path.join(plain, 'cdktf.out'))).toEqual(['acme-data', 'acme-platform', 'acme-security', 'acme-web']);
    expect(d).toHaveLength(11);
    const etl = d.find((s) => s.project.path === 'acme/data/etl');
    expect(etl).toEqual({
      stack: 'acme-data', file: path.join(plain, 'cdktf.out', 'stacks', 'acme-data', 'cdk.tf.json'), resource: 'scope_acme_data_etl', project: { path: 'acme/data/etl' }, enabled: true,
      projects: [{ id: 401 }, { path: 'acme/platform/deployer' }], groups: [],
    });
    const deployer = d.find((s) => s.project.path === 'acme/platform/deployer');
    expect(deployer?.groups).toEqual([{ path: 'acme/data' }, { path: 'acme/web' }]);
    expect(collectPaths(d).groups.sort()).toEqual(['acme', 'acme/data', 'acme/platform', 'acme/web']);
  });

  it('--stack picks stacks', () => {
    expect(readDeclared(path.join(plain, 'cdktf.out'), ['acme-security']).map((s) => s.project.path)).toEqual(['acme/security/scanner', 'acme/security/secrets']);
  });

  it('with a lock file: literal ids only, turned back into paths through the lock', async () => {
    const d = readDeclared(path.join(locked, 'cdktf.out'));
    const checkout = d.find((s) => s.project.path === 'acme/web/checkout');
    expect(checkout?.projects).toEqual([{ id: 101 }, { id: 201 }]);
    // The resource's project is the numeric id; the // metadata keeps its path.
    expect(checkout?.project).toEqual({ id: 202, path: 'acme/web/checkout' });
    const { scopes, unresolved } = await resolveDeclaredIds(d, LOCK, undefined);
    expect(unresolved).toEqual({ projects: [], groups: [] });
    const deployer = scopes.find((s) => s.project === 'acme/platform/deployer');
    expect(deployer).toEqual({
      stack: 'acme-platform', project: 'acme/platform/deployer', projectId: 101, enabled: true,
      projects: [{ id: 103, path: 'acme/platform/tools/release-cli' }],
      groups: [{ id: 13, path: 'acme/web' }, { id: 14, path: 'acme/data' }],
    });
  });

  it('without the lock file at hand, a locked synth still names every scope by path (the // metadata)', async () => {
    const { scopes } = await resolveDeclaredIds(readDeclared(path.join(locked, 'cdktf.out')), undefined, undefined);
    expect(scopes.map((s) => s.project).sort()).toEqual(Object.keys(LOCK.projects).sort());
    expect(scopes.find((s) => s.project === 'acme/web/checkout')?.projectId).toBe(202);
  });

  it('refuses stack JSON it cannot read, with the exact words', () => {
    const dir = tempDir('declared-bad');
    fs.mkdirSync(path.join(dir, 'stacks', 's'), { recursive: true });
    const file = path.join(dir, 'stacks', 's', 'cdk.tf.json');
    fs.writeFileSync(file, JSON.stringify({ resource: { gitlab_project_job_token_scopes: { x: { project: 'a/b', enabled: true, target_project_ids: ['${data.gitlab_project.nope.id}'] } } } }));
    expect(() => readDeclared(dir)).toThrow(`${file}: x.target_project_ids[0] refers to data.gitlab_project.nope, which the stack does not define`);
    fs.writeFileSync(file, JSON.stringify({ resource: { gitlab_project_job_token_scopes: { x: { project: 'a/b', enabled: true, target_group_ids: ['${var.x}'] } } } }));
    expect(() => readDeclared(dir)).toThrow(`${file}: x.target_group_ids[0] is "\${var.x}"; tokenscope reads literal ids and data.gitlab_group references only`);
    fs.writeFileSync(file, '{');
    expect(() => readDeclared(dir)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(.*\\); synthesize again$`));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
