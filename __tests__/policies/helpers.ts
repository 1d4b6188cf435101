import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { JobTokenScope, JobTokenScopeProps, TokenScopeStack } from '../../lib';
import type { LockFile } from '../../lib/lockfile';

/**
 * Synthesizes stacks into a temporary cdktf.out with a real `app.synth()`
 * (Testing.synth drops the `//` blocks the policies travel in). Returns the dir.
 */
export function synthStacks(stacks: Record<string, JobTokenScopeProps[]>, lock: LockFile | false = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-policies-'));
  const app = new App({ outdir: dir });
  for (const [name, scopes] of Object.entries(stacks)) {
    const stack = new TokenScopeStack(app, name, { lockFile: lock });
    scopes.forEach((props, i) => new JobTokenScope(stack, `scope${i}`, props));
  }
  app.synth();
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
