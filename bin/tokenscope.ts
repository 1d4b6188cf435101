#!/usr/bin/env node
import { runCli } from '../lib/cli/main';
import { envMasker } from '../lib/gitlab/secrets';

runCli(process.argv).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    // Last resort: commands report their own errors; this one still masks every
    // secret-looking environment value and never prints a stack.
    const mask = envMasker(process.env);
    const message = err instanceof Error && err.message ? err.message : String(err);
    process.stderr.write(`tokenscope: ${mask(message)}\n`);
    process.exitCode = 1;
  },
);
