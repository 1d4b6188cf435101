import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support/cli';

export { cli, tempDir } from '../support/cli';

/** A synth dir (DIR/cdktf.out) declaring `n` projects acme/p01..., each with its allowlist on and empty. */
export function synthWithProjects(n: number): string {
  const dir = tempDir('hostile');
  const resource: Record<string, unknown> = {};
  for (let i = 1; i <= n; i++) {
    const p = `acme/p${String(i).padStart(2, '0')}`;
    resource[`scope_${i}`] = { project: p, enabled: true, target_project_ids: [], target_group_ids: [] };
  }
  const file = path.join(dir, 'cdktf.out', 'stacks', 'acme', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ resource: { gitlab_project_job_token_scopes: resource } }));
  return dir;
}

/** Every file under `dir` (reports the run wrote), as text. */
export function filesUnder(dir: string): string {
  let all = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) all += filesUnder(p);
    else all += fs.readFileSync(p, 'utf8');
  }
  return all;
}
