/**
 * The streams and environment a command runs with. Commands take this instead of
 * touching `process` so that tests can run them in-process and capture output.
 */
export interface CliIO {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Collects output in memory; for tests. */
export function memoryIO(env: Record<string, string | undefined> = {}, cwd = process.cwd()): CliIO & {
  out(): string;
  err(): string;
} {
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => { out += c; return true; }, isTTY: false },
    stderr: { write: (c: string) => { err += c; return true; }, isTTY: false },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
