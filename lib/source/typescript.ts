import type * as TS from 'typescript';

/**
 * The TypeScript compiler, loaded on first use only: it is what reads and edits
 * the ops repo's sources (`suggest --patch`), and loading it costs a second and
 * 100 MB that no other command should pay. It comes from the ops repo's own
 * install (an optional peer dependency: every cdktf TypeScript app has it),
 * else from wherever Node finds it next to tokenscope.
 */
export class TypeScriptMissingError extends Error {
  constructor() {
    super('reading and editing the app\'s TypeScript needs the TypeScript compiler, which is not installed here: ' +
      'run `npm install --save-dev typescript@~5.9` in the ops repo');
    this.name = 'TypeScriptMissingError';
  }
}

function load(cwd: string): typeof TS {
  for (const paths of [[cwd], undefined]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(require.resolve('typescript', paths ? { paths } : undefined)) as typeof TS;
    } catch {
      // Try the next place.
    }
  }
  throw new TypeScriptMissingError();
}

let loaded: typeof TS | undefined;

/** The compiler; the first property read loads it (from the working directory's install first). */
export const tsc: typeof TS = new Proxy({} as typeof TS, {
  get(_target, prop) {
    // Cached for the process: the compiler is one immutable module, like any require().
    loaded ??= load(process.cwd());
    return (loaded as unknown as Record<string | symbol, unknown>)[prop];
  },
});
