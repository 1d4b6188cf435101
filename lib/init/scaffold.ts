/**
 * The files of a new ops repo (`tokenscope init`): what the cdktf TypeScript
 * template gives, with what it gets wrong for tokenscope fixed (TypeScript 5.9,
 * which ts-node runs; cdktf-cli as a dev dependency so `npx cdktf` works
 * offline in CI; tokenscope's peers pinned), plus the CI template. Pure: paths
 * and contents only, no I/O.
 */
import { commentText, quoteString } from '../source/literals';
import { OPS_DEPENDENCIES, OPS_DEV_DEPENDENCIES, PinnedVersions } from './versions';

export interface ScaffoldOptions {
  /** package.json `name`. */
  readonly name: string;
  /** The stack's id (also its state name and cdktf.out/stacks/<stack>). */
  readonly stack: string;
  /** The GitLab instance the stack manages, written as the stack's `baseUrl`. */
  readonly gitlabUrl?: string;
  /** What package.json's `tokenscope` dependency says (a version, a tarball or git URL). */
  readonly tokenscopeSpec: string;
  readonly versions: PinnedVersions;
  /** The group that `tokenscope import` filled `scopes/<file>.ts` from, and the function it exports. */
  readonly imported?: { readonly group: string; readonly module: string; readonly functionName: string };
  /** The template's text, vendored into `.gitlab/ci/` (GitLab resolves includes from the repo, not node_modules). */
  readonly ciTemplate: string;
}

export type ScaffoldFiles = ReadonlyArray<{ readonly path: string; readonly content: string }>;

/** The CI template's place in the ops repo. */
export const CI_TEMPLATE_PATH = '.gitlab/ci/tokenscope.gitlab-ci.yml';

export function scaffoldFiles(o: ScaffoldOptions): ScaffoldFiles {
  return [
    { path: 'package.json', content: packageJson(o) },
    { path: 'cdktf.json', content: cdktfJson() },
    { path: 'tsconfig.json', content: tsconfigJson() },
    { path: 'jest.config.js', content: JEST_CONFIG },
    { path: 'main.ts', content: mainTs(o) },
    { path: '__tests__/main.test.ts', content: MAIN_TEST },
    { path: '.gitignore', content: GITIGNORE },
    { path: '.gitlab-ci.yml', content: gitlabCi(o) },
    { path: CI_TEMPLATE_PATH, content: vendoredTemplate(o) },
    { path: 'README.md', content: readme(o) },
  ];
}

function packageJson(o: ScaffoldOptions): string {
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, o.versions[n]]));
  const pkg = {
    name: o.name,
    version: '0.1.0',
    private: true,
    description: 'CI/CD job-token scopes as code (tokenscope + cdktf)',
    scripts: {
      synth: 'cdktf synth',
      deploy: 'cdktf deploy --auto-approve \'*\'',
      test: 'jest',
      typecheck: 'tsc --noEmit',
      drift: 'tokenscope drift',
    },
    engines: { node: '>=20' },
    dependencies: { tokenscope: o.tokenscopeSpec, ...pick(OPS_DEPENDENCIES) },
    devDependencies: pick(OPS_DEV_DEPENDENCIES),
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

function cdktfJson(): string {
  return JSON.stringify({
    language: 'typescript',
    // ts-node type-checks main.ts as it runs it, so a wrong prop fails synth, not the deploy.
    app: 'npx ts-node main.ts',
    sendCrashReports: 'false',
    terraformProviders: [],
    terraformModules: [],
    context: {},
  }, null, 2) + '\n';
}

/** cdktf's template settings (strict, CommonJS, ES2018), with `lib` raised to what tokenscope's types use. */
function tsconfigJson(): string {
  return JSON.stringify({
    compilerOptions: {
      alwaysStrict: true,
      declaration: true,
      experimentalDecorators: true,
      inlineSourceMap: true,
      inlineSources: true,
      lib: ['es2022'],
      module: 'CommonJS',
      noEmitOnError: true,
      noFallthroughCasesInSwitch: true,
      noImplicitAny: true,
      noImplicitReturns: true,
      noImplicitThis: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      resolveJsonModule: true,
      strict: true,
      strictNullChecks: true,
      strictPropertyInitialization: true,
      stripInternal: true,
      target: 'ES2022',
      incremental: true,
      skipLibCheck: true,
      types: ['node', 'jest'],
    },
    include: ['**/*.ts'],
    exclude: ['node_modules', 'cdktf.out'],
  }, null, 2) + '\n';
}

function mainTs(o: ScaffoldOptions): string {
  const props = o.gitlabUrl ? `, { baseUrl: ${quoteString(o.gitlabUrl)}, state }` : ', { state }';
  const lines = [
    '/**',
    ' * Job-token scopes as code: every project\'s inbound CI/CD job-token allowlist.',
    ' *',
    ' *   npx cdktf synth                 # cdktf.out/stacks/<stack>/cdk.tf.json',
    ' *   npx cdktf deploy --auto-approve ' + o.stack,
    ' *   npx tokenscope drift            # live GitLab against what is declared here',
    ' */',
    "import { App } from 'cdktf';",
    "import { TokenScopeStack } from 'tokenscope';",
  ];
  if (o.imported) lines.push(`import { ${o.imported.functionName} } from ${quoteString(`./${o.imported.module.replace(/\.ts$/, '')}`)};`);
  lines.push(
    '',
    '/** Builds the whole app; the test in __tests__/ builds it too. */',
    'export function buildApp(app: App): TokenScopeStack[] {',
    '  // GitLab-managed Terraform state in GitLab CI (this repo\'s project keeps it; the CI template gives',
    '  // Terraform TF_HTTP_USERNAME/TF_HTTP_PASSWORD). Elsewhere the state is a local file: set CI_PROJECT_ID',
    '  // and CI_API_V4_URL to use GitLab\'s here too, and never deploy one stack from both.',
    "  const state = process.env.CI_PROJECT_ID ? ('gitlab' as const) : undefined;",
    '  // One stack per top-level group keeps each plan small and each deploy independent.',
    `  const stack = new TokenScopeStack(app, ${quoteString(o.stack)}${props});`,
  );
  if (o.imported) {
    lines.push(`  // Imported from ${commentText(o.imported.group)} by \`tokenscope import\`: importExisting adopts what is set today.`);
    lines.push(`  ${o.imported.functionName}(stack);`);
  } else {
    lines.push(
      '  // Declare each project\'s allowlist (import JobTokenScope from \'tokenscope\' too), e.g.:',
      '  //   new JobTokenScope(stack, \'storefront\', {',
      '  //     project: \'acme/web/storefront\',',
      '  //     allowProjects: [\'acme/web/design-system\'],',
      '  //     allowGroups: [\'acme/platform\'],',
      '  //     importExisting: true, // adopt the project\'s current settings on the first deploy',
      '  //   });',
      '  // or fill a module from what GitLab holds: npx tokenscope import --group acme --include-subgroups',
    );
  }
  lines.push('  return [stack];', '}', '', 'if (require.main === module) {', '  const app = new App();', '  buildApp(app);', '  app.synth();', '}', '');
  return lines.join('\n');
}

const MAIN_TEST = `import { Testing } from 'cdktf';
import { buildApp } from '../main';

describe('the job-token scopes', () => {
  it('synthesize, with every tokenscope check passing (bad paths, duplicates, limits fail here)', () => {
    const app = Testing.app();
    buildApp(app);
    expect(() => app.synth()).not.toThrow();
  });
});
`;

const JEST_CONFIG = `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\\\.ts$': 'ts-jest' },
};
`;

const GITIGNORE = `node_modules/
cdktf.out/
.gen/
coverage/
*.d.ts
*.js
!jest.config.js
*.tsbuildinfo
.terraform/
*.tfstate
*.tfstate.*
*.tfplan
`;

function gitlabCi(o: ScaffoldOptions): string {
  return `# CI/CD of the job-token scopes: plan review in merge requests, a manual deploy
# on the default branch, drift detection on a schedule (CI/CD > Schedules).
# Needs a masked, protected CI/CD variable GITLAB_TOKEN (api scope, Maintainer on
# the managed projects). See ${CI_TEMPLATE_PATH} and tokenscope's README.
include:
  # The template as shipped with tokenscope ${o.versions.tokenscope}, copied here by tokenscope init
  # (GitLab reads includes from the repository, not from node_modules). Where tokenscope's
  # repository is on this GitLab (mirrored, releases tagged), its CI/CD component is the
  # same jobs without the copy, taking the same inputs:
  #   - component: $CI_SERVER_FQDN/<group>/tokenscope/tokenscope@${o.versions.tokenscope}
  - local: ${CI_TEMPLATE_PATH}
    inputs:
      drift_shards: 2
      # Also: stacks, mr_note, image, install, synth_dir, plan_summary_args, drift_args,
      # stage_synth, stage_check, stage_deploy (the template's spec:inputs says what each does).

stages: [build, test, deploy]
`;
}

function vendoredTemplate(o: ScaffoldOptions): string {
  return `# Copied from tokenscope ${o.versions.tokenscope} (node_modules/tokenscope/templates/tokenscope.gitlab-ci.yml) by tokenscope init.\n${o.ciTemplate}`;
}

function readme(o: ScaffoldOptions): string {
  return `# ${o.name}

CI/CD job-token scopes as code, with [tokenscope](https://www.npmjs.com/package/tokenscope) and cdktf.

\`\`\`sh
npm install
npx cdktf synth                      # writes cdktf.out/
npm test                             # the app synthesizes and passes tokenscope's checks
GITLAB_TOKEN=... npx tokenscope drift  # live GitLab against main.ts
\`\`\`

Merge requests get a plan review, the default branch a manual deploy, schedules
a drift check (\`.gitlab-ci.yml\`). Set a masked, protected CI/CD variable
\`GITLAB_TOKEN\` (api scope, Maintainer on the projects of stack \`${o.stack}\`).
`;
}
