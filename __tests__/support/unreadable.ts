import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');

/**
 * Runs `code` (CommonJS, the repo's TypeScript loadable with `req('lib/...')`)
 * in a child process that cannot read `file`: the file is made mode 000 and,
 * since the suite may run as root (which reads anything), the child runs as
 * the unprivileged user `nobody`. Returns what the child printed.
 */
export function runWithUnreadable(file: string, code: string): { out: string; err: string; status: number | null } {
  fs.chmodSync(file, 0o000);
  // mkdtemp makes 0700 directories: let the child reach the file, so that only the file itself is refused.
  for (let dir = path.dirname(file); dir.startsWith(os.tmpdir() + path.sep); dir = path.dirname(dir)) fs.chmodSync(dir, 0o755);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // `nobody` must also reach the repo's code: a clone inside a mkdtemp directory (0700) would hide it.
  if (asRoot) {
    for (let dir = REPO; dir.startsWith(os.tmpdir() + path.sep); dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode & 0o777;
      if ((mode & 0o005) !== 0o005) fs.chmodSync(dir, mode | 0o005);
    }
  }
  const prelude = `require(${JSON.stringify(path.join(REPO, 'bin', 'ts-register.js'))});` +
    `const req = (p) => require(require('path').join(${JSON.stringify(REPO)}, p));`;
  const res = spawnSync(process.execPath, ['-e', prelude + code], {
    encoding: 'utf8',
    cwd: path.dirname(file),
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { out: res.stdout, err: res.stderr, status: res.status };
}
