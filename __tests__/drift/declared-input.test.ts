import * as fs from 'fs';
import * as path from 'path';
import { readDeclared } from '../../lib/drift/declared';
import { resolveDeclaredIds } from '../../lib/drift/resolve-targets';
import { parseLockFile } from '../../lib/lockfile';
import { cli, tempDir } from './helpers';
import { runWithUnreadable } from '../support/unreadable';

/** A synth dir whose stacks hold exactly these cdk.tf.json texts. */
function synthDir(stacks: Record<string, string>): string {
  const dir = tempDir('declared-input');
  fs.mkdirSync(path.join(dir, 'stacks'), { recursive: true });
  for (const [name, text] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', name));
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), text);
  }
  return dir;
}
const fileOf = (dir: string, stack: string) => path.join(dir, 'stacks', stack, 'cdk.tf.json');
const scopes = (entries: Record<string, unknown>) => JSON.stringify({ resource: { gitlab_project_job_token_scopes: entries } });
const FIX = 'synthesize an app with JobTokenScope constructs (`npx cdktf synth`), or pass --synth-dir';

describe('nothing declared is an error, never "0 projects"', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
  const make = (stacks: Record<string, string>) => { const d = synthDir(stacks); dirs.push(d); return d; };

  it('an empty stacks/ folder', () => {
    const dir = make({});
    expect(() => readDeclared(dir)).toThrow(`nothing declared: ${path.join(dir, 'stacks')} holds no synthesized stack (no <stack>/cdk.tf.json); ${FIX}`);
  });

  it('stacks that are {} or hold no gitlab_project_job_token_scopes', () => {
    const dir = make({ a: '{}', b: JSON.stringify({ resource: { gitlab_project: { x: {} } }, provider: { gitlab: [{}] } }) });
    expect(() => readDeclared(dir)).toThrow(
      `nothing declared: no gitlab_project_job_token_scopes resource in ${fileOf(dir, 'a')}, ${fileOf(dir, 'b')}; ${FIX}`,
    );
  });

  it.each([
    ['[]', 'an empty JSON array'],
    ['null', 'null'],
    ['"stack"', 'a JSON string'],
    ['[{"resource":{}}]', 'a JSON array'],
  ])('a stack file that is %s', (text, kind) => {
    const dir = make({ s: text });
    expect(() => readDeclared(dir)).toThrow(`${fileOf(dir, 's')} is ${kind}, not a synthesized cdktf stack (a JSON object); synthesize again`);
  });

  it('drift exits 1 saying so, with no report on stdout', async () => {
    const dir = make({ a: '{}' });
    const r = await cli(['drift', '--synth-dir', dir], { GITLAB_URL: 'http://127.0.0.1:9', GITLAB_TOKEN: 'glpat-never-sent-0000000000000001' }, dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`tokenscope drift: nothing declared: no gitlab_project_job_token_scopes resource in ${fileOf(dir, 'a')}; ${FIX}\n`);
  });
});

describe('broken resources: errors naming file and resource', () => {
  let dir: string;
  beforeEach(() => { dir = synthDir({ s: '{}' }); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => fs.writeFileSync(fileOf(dir, 's'), text);
  const where = () => `${fileOf(dir, 's')}: gitlab_project_job_token_scopes.x`;

  it('a null entry or resource map', () => {
    write(scopes({ x: null }));
    expect(() => readDeclared(dir)).toThrow(`${where()} is null, not a resource block; synthesize again`);
    write(JSON.stringify({ resource: { gitlab_project_job_token_scopes: null } }));
    expect(() => readDeclared(dir)).toThrow(`${fileOf(dir, 's')}: "resource".gitlab_project_job_token_scopes is null, not an object of resources; synthesize again`);
    write(JSON.stringify({ resource: [] }));
    expect(() => readDeclared(dir)).toThrow(`${fileOf(dir, 's')}: "resource" is an empty JSON array, not an object; synthesize again`);
    write(JSON.stringify({ data: { gitlab_project: { p: null } }, resource: { gitlab_project_job_token_scopes: { x: { project: 'a/b', target_project_ids: ['${data.gitlab_project.p.id}'] } } } }));
    expect(() => readDeclared(dir)).toThrow(`${fileOf(dir, 's')}: x.target_project_ids[0] refers to data.gitlab_project.p, which the stack does not define`);
  });

  it.each([['"yes"'], ['1'], ['"${var.enabled}"'], ['null'], ['[]']])('enabled %s', (raw) => {
    write(`{"resource":{"gitlab_project_job_token_scopes":{"x":{"project":"a/b","enabled":${raw}}}}}`);
    expect(() => readDeclared(dir)).toThrow(
      `${where()}.enabled is ${JSON.stringify(JSON.parse(raw))}; it must be true or false, written as a literal ` +
        '(tokenscope cannot compare a Terraform expression or another type)',
    );
  });

  it('enabled as Terraform converts it: true, false, "true", "false", or absent (the provider default, true)', () => {
    const read = (enabled: unknown) => { write(scopes({ x: { project: 'a/b', enabled } })); return readDeclared(dir)[0].enabled; };
    expect([read(true), read(false), read('true'), read('false'), read(undefined)]).toEqual([true, false, true, false, true]);
  });

  it.each([[0], [-4], [1.5], ['0'], ['-4'], ['1e3'], [9007199254740993]])('target id %p is refused', (id) => {
    write(scopes({ x: { project: 'a/b', target_project_ids: [12, id] } }));
    expect(() => readDeclared(dir)).toThrow(`${fileOf(dir, 's')}: x.target_project_ids[1] is ${JSON.stringify(id)}; ids are positive whole numbers`);
  });

  it.each([[0], ['-1'], [2.5]])('project id %p is refused', (id) => {
    write(scopes({ x: { project: id } }));
    expect(() => readDeclared(dir)).toThrow(`${fileOf(dir, 's')}: x.project is ${JSON.stringify(id)}; ids are positive whole numbers`);
  });

  it('a project path GitLab cannot have, or none at all', () => {
    write(scopes({ x: { project: 'a//b' } }));
    expect(() => readDeclared(dir)).toThrow(`${where()}.project "a//b" contains "//"`);
    write(scopes({ x: { enabled: true } }));
    expect(() => readDeclared(dir)).toThrow(`${where()} has no project`);
  });

  it('ids as numbers or numeric strings, paths and data-source references all read', () => {
    write(JSON.stringify({
      data: { gitlab_project: { p: { path_with_namespace: 'acme/web' } } },
      resource: { gitlab_project_job_token_scopes: {
        x: { project: '${data.gitlab_project.p.id}', target_project_ids: [7, '8'] },
        y: { project: 42 }, z: { project: '43' }, w: { project: 'acme/data' },
      } },
    }));
    expect(readDeclared(dir).map((d) => [d.resource, d.project, d.projects])).toEqual([
      ['x', { path: 'acme/web' }, [{ id: 7 }, { id: 8 }]], ['y', { id: 42 }, []], ['z', { id: 43 }, []], ['w', { path: 'acme/data' }, []],
    ]);
  });
});

describe('one project declared twice', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const twice = (a: string, b: string) =>
    `project ${a} is declared twice: ${fileOf(dir, 'one')}: gitlab_project_job_token_scopes.x and ${fileOf(dir, 'two')}: gitlab_project_job_token_scopes.y; ` +
    'each would own the whole allowlist (the resource is authoritative): keep one';

  it('across stacks, by path (any case) or by id', () => {
    dir = synthDir({ one: scopes({ x: { project: 'acme/Web' } }), two: scopes({ y: { project: 'acme/web' } }) });
    expect(() => readDeclared(dir)).toThrow(twice('acme/web', 'acme/web'));
    fs.writeFileSync(fileOf(dir, 'one'), scopes({ x: { project: 12 } }));
    fs.writeFileSync(fileOf(dir, 'two'), scopes({ y: { project: '12' } }));
    expect(() => readDeclared(dir)).toThrow(twice('#12', '#12'));
  });

  it('by path in one stack and by id in the other, once the id is named', async () => {
    dir = synthDir({ one: scopes({ x: { project: 'acme/web' } }), two: scopes({ y: { project: 12 } }) });
    const lock = parseLockFile(JSON.stringify({ version: 1, projects: { 'acme/web': 12 }, groups: {} }));
    await expect(resolveDeclaredIds(readDeclared(dir), lock, undefined)).rejects.toThrow(
      `project acme/web is declared twice: ${fileOf(dir, 'one')}: gitlab_project_job_token_scopes.x and ${fileOf(dir, 'two')}: gitlab_project_job_token_scopes.y; ` +
        'each would own the whole allowlist (the resource is authoritative): keep one',
    );
  });
});

describe('a stack file that cannot be read', () => {
  it('says permission denied, not "not valid JSON"', () => {
    const dir = synthDir({ s: scopes({ x: { project: 'a/b' } }) });
    try {
      const r = runWithUnreadable(fileOf(dir, 's'), `
        try { req('lib/drift/declared.ts').readDeclared(${JSON.stringify(dir)}); } catch (e) { process.stdout.write(e.message); }`);
      expect(r.err).toBe('');
      expect(r.out).toBe(`${fileOf(dir, 's')}: cannot read (permission denied (EACCES))`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
