/**
 * The example ops app: job-token scopes for the fictional `acme` org, one stack
 * per top-level group so that each plan stays small and each deploy independent.
 *
 *   npx cdktf synth        # or: npm run synth
 *   npx cdktf deploy acme-web
 */
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { JobTokenScope, ScopeRule, TokenScopeStack, TokenScopeStackProps } from './lib';

/** The platform group: shared tooling whose projects many others call into. */
export class PlatformScopes extends TokenScopeStack {
  constructor(scope: Construct, id: string, props: TokenScopeStackProps = {}) {
    super(scope, id, props);
    new JobTokenScope(this, 'deployer', {
      project: 'acme/platform/deployer',
      allowProjects: ['acme/platform/tools/release-cli'],
      allowGroups: ['acme/web', 'acme/data'],
    });
    // Every project pulls CI images; the group entry covers projects created later too.
    new JobTokenScope(this, 'runner-images', {
      project: 'acme/platform/runner-images',
      allowGroups: ['acme'],
    });
    new JobTokenScope(this, 'release-cli', {
      project: 'acme/platform/tools/release-cli',
      allowProjects: ['acme/platform/deployer', 'acme/web/storefront', 'acme/web/checkout'],
    });
    // Adopted from what was set by hand: the first deploy imports instead of overwriting blind.
    new JobTokenScope(this, 'lint', {
      project: 'acme/platform/tools/lint',
      allowGroups: ['acme/platform'],
      importExisting: true,
    });
  }
}

/** Product teams: the deployer must reach every one of them (a rule, stated once). */
export class WebScopes extends TokenScopeStack {
  constructor(scope: Construct, id: string, props: TokenScopeStackProps = {}) {
    super(scope, id, props);
    new JobTokenScope(this, 'storefront', {
      project: 'acme/web/storefront',
      allowProjects: ['acme/web/design-system'],
    });
    new JobTokenScope(this, 'checkout', {
      project: 'acme/web/checkout',
      allowProjects: ['acme/web/storefront'],
    });
    new JobTokenScope(this, 'design-system', {
      project: 'acme/web/design-system',
      allowGroups: ['acme/web'],
    });
  }
}

export class DataScopes extends TokenScopeStack {
  constructor(scope: Construct, id: string, props: TokenScopeStackProps = {}) {
    super(scope, id, props);
    new JobTokenScope(this, 'warehouse', {
      project: 'acme/data/warehouse',
      allowProjects: ['acme/data/etl'],
    });
    new JobTokenScope(this, 'etl', {
      project: 'acme/data/etl',
      // A numeric id passes through as a literal: 401 is acme/security/scanner.
      allowProjects: ['401'],
    });
  }
}

export class SecurityScopes extends TokenScopeStack {
  constructor(scope: Construct, id: string, props: TokenScopeStackProps = {}) {
    super(scope, id, props);
    new JobTokenScope(this, 'scanner', {
      project: 'acme/security/scanner',
      allowGroups: ['acme'],
    });
    new JobTokenScope(this, 'secrets', {
      project: 'acme/security/secrets',
    });
  }
}

/** Builds the whole org into `app`; tests and the demo call this too. */
export function buildAcme(app: App, props: TokenScopeStackProps = {}): TokenScopeStack[] {
  const stacks = [
    new PlatformScopes(app, 'acme-platform', props),
    new WebScopes(app, 'acme-web', props),
    new DataScopes(app, 'acme-data', props),
    new SecurityScopes(app, 'acme-security', props),
  ];
  // Rules stated once: the deployer reaches every product and security project...
  for (const stack of stacks.slice(1)) {
    ScopeRule.applyTo(stack, { name: 'deployer-everywhere', allowProjects: ['acme/platform/deployer'] });
  }
  // ...and security projects may never turn their allowlist off.
  ScopeRule.applyTo(stacks[3], { name: 'security-baseline', requireLimitAccess: true });
  return stacks;
}

if (require.main === module) {
  const app = new App();
  buildAcme(app, { baseUrl: process.env.TOKENSCOPE_DEMO_GITLAB_URL || undefined });
  app.synth();
}
