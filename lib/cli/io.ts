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
  return { stdout: closedPipeSafe(process.stdout), stderr: closedPipeSafe(process.stderr), env: process.env, cwd: process.cwd() };
}

/**
 * A stream whose reader may go away (`tokenscope drift --help | head -1`):
 * once the pipe is closed (EPIPE), further output is dropped quietly and the
 * command runs to its end, so that it still cleans up (the demo's temporary
 * directory, the sandbox) instead of dying with a stack trace.
 */
export function closedPipeSafe(stream: NodeJS.WriteStream): { write(chunk: string): boolean; readonly isTTY?: boolean } {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      closed = true;
      return;
    }
    throw err;
  });
  return {
    write: (chunk: string) => (closed ? false : stream.write(chunk)),
    get isTTY() { return stream.isTTY; },
  };
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
