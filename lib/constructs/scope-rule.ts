import { IConstruct } from 'constructs';
import { Aspects, IAspect } from 'cdktf';
import { JobTokenScope } from './job-token-scope';

export interface ScopeRuleProps {
  /** Names the rule in messages and in `exemptFromRules`. */
  readonly name: string;
  /** Projects every scope under the subtree also allows (skipped for the project itself). @default [] */
  readonly allowProjects?: string[];
  /** Groups every scope under the subtree also allows. @default [] */
  readonly allowGroups?: string[];
  /** Every scope under the subtree must keep `limitAccess: true`; synth fails otherwise. @default false */
  readonly requireLimitAccess?: boolean;
}

/**
 * A rule stated once for every `JobTokenScope` under a construct subtree,
 * applied as a cdktf Aspect at synth. A scope opts out with
 * `exemptFromRules: [name]`.
 *
 *   ScopeRule.applyTo(webStack, { name: 'deployer', allowProjects: ['acme/platform/deployer'] });
 */
export class ScopeRule implements IAspect {
  /** Adds the rule to `scope` and everything below it; returns the rule. */
  static applyTo(scope: IConstruct, props: ScopeRuleProps): ScopeRule {
    const rule = new ScopeRule(props);
    Aspects.of(scope).add(rule);
    return rule;
  }

  readonly name: string;
  private readonly props: ScopeRuleProps;

  constructor(props: ScopeRuleProps) {
    if (!props.name || !/^[A-Za-z0-9_.:-]+$/.test(props.name)) {
      throw new Error(`ScopeRule name ${JSON.stringify(props.name)} must be non-empty letters, digits, "_", "-", "." or ":"`);
    }
    this.name = props.name;
    this.props = props;
  }

  visit(node: IConstruct): void {
    if (!(node instanceof JobTokenScope) || node.isExemptFrom(this.name)) return;
    for (const p of this.props.allowProjects ?? []) node.ensureProjectAllowed(p, this.name);
    for (const g of this.props.allowGroups ?? []) node.ensureGroupAllowed(g, this.name);
    if (this.props.requireLimitAccess) node.requireLimitAccess(this.name);
  }
}
