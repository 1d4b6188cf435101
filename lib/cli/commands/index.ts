import type { CommandModule } from '../command';

/**
 * Every subcommand, in the order `--help` lists them. Only the command that runs
 * is loaded: a command's module pulls in its whole capability (the TypeScript
 * compiler for suggest, cdktf for demo, graphql-js for the readers), and loading
 * all of them made `tokenscope --version` cost seconds.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for the command list of `tokenscope --help`. */
  readonly summary: string;
  load(): CommandModule;
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy by design: see above */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    summary: 'Scaffold a working ops repo: package.json with pinned cdktf, provider and TypeScript, main.ts, tests, .gitlab-ci.yml.',
    load: () => (require('./init') as typeof import('./init')).initModule,
  },
  {
    name: 'plan-summary',
    summary: 'Summarize job-token scope changes in Terraform plans (terraform show -json) for merge request review.',
    load: () => (require('./plan-summary') as typeof import('./plan-summary')).planSummaryCommand,
  },
  {
    name: 'doctor',
    summary: 'say what a GitLab token really is and why a call fails, with the fix (the token is never printed)',
    load: () => (require('./doctor') as typeof import('./doctor')).doctorCommand,
  },
  {
    name: 'drift',
    summary: 'Compare the declared job-token scopes (synth output) with live GitLab, project by project. Exit 0 in sync, 2 drift, 1 error.',
    load: () => (require('./drift') as typeof import('./drift')).driftModule,
  },
  {
    name: 'resolve',
    summary: 'Resolve every project and group path the app names to its id and write tokenscope.lock.json; synth then emits literal ids and no data sources.',
    load: () => (require('./resolve') as typeof import('./resolve')).resolveModule,
  },
  {
    name: 'demo',
    summary: 'The main job against an embedded sandbox GitLab holding the acme demo org: drift; with terraform on PATH also plan, plan-summary, apply and drift in sync (what `npm start` does).',
    load: () => (require('./demo') as typeof import('./demo')).demoModule,
  },
  {
    name: 'sandbox',
    summary: 'run a local stand-in for GitLab\'s job-token API (GraphQL + REST) for tests, benchmarks and trying tokenscope out',
    load: () => (require('./sandbox') as typeof import('./sandbox')).sandboxCommand,
  },
  {
    name: 'import',
    summary: 'Write the live job-token scopes of a group or of projects as a TypeScript module (importExisting: true). Read-only.',
    load: () => (require('./import') as typeof import('./import')).importModule,
  },
  {
    name: 'suggest',
    summary: 'Propose allowlist changes from the authentication log: add what jobs use, remove what nobody used. Read-only. Exit 0 nothing to suggest, 2 suggestions, 1 error.',
    load: () => (require('./suggest') as typeof import('./suggest')).suggestModule,
  },
  {
    name: 'policies',
    summary: 'fine-grained job-token permissions: set what each allowlisted project or group may do (after cdktf deploy)',
    load: () => (require('./policies') as typeof import('./policies')).policiesCommand,
  },
  {
    name: 'reach',
    summary: 'Who can reach what with a job token: the graph of allowlists, blast radius (--from) and origins (--to). Read-only. Exit 0, or 1 on error.',
    load: () => (require('./reach') as typeof import('./reach')).reachModule,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The summary line of a command, for its own `.description(...)`. */
export function summaryOf(name: string): string {
  const e = COMMANDS.find((c) => c.name === name);
  if (!e) throw new Error(`no command ${name}`);
  return e.summary;
}

/** Every command module, loaded (for tests and tools that need them all). */
export function loadAllCommands(): CommandModule[] {
  return COMMANDS.map((c) => c.load());
}
