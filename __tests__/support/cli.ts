import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';

/** A fresh temporary directory, `tokenscope-PREFIX-...`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tokenscope-${prefix}-`));
}

/** The CLI in process, with its output collected: exit code, stdout, stderr. */
export async function cli(args: string[], env: Record<string, string | undefined>, cwd: string) {
  const io = memoryIO(env, cwd);
  const code = await runCli(['node', 'tokenscope', ...args], io);
  return { code, out: io.out(), err: io.err() };
}
