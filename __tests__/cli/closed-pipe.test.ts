import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');

/**
 * Runs the CLI from source as a process whose stdout reader has already gone
 * (like `| head -1` after its line): the read end is closed before the CLI
 * writes, so every write meets EPIPE.
 */
function runIntoClosedPipe(args: string[], env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'run-ts.js'), path.join(REPO, 'bin', 'tokenscope.ts'), ...args], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('a closed pipe ends quietly', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closed-pipe-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('tokenscope drift --help | head -1', async () => {
    const r = await runIntoClosedPipe(['drift', '--help'], { TMPDIR: tmp });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('tokenscope demo | head: no stack trace, and no temporary directory left behind', async () => {
    const r = await runIntoClosedPipe(['demo'], { TMPDIR: tmp });
    expect(r.err).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
