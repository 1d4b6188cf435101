import { Construct } from 'constructs';

const REGISTRY_ID = 'TokenScopeRegistry';

/**
 * App-wide index of declared scopes by project, so that two `JobTokenScope`s for
 * one project (which would fight over one authoritative resource) are caught at
 * synth in O(1) per scope.
 */
export class ScopeRegistry extends Construct {
  static of(scope: Construct): ScopeRegistry {
    const root = scope.node.root;
    const existing = root.node.tryFindChild(REGISTRY_ID);
    if (existing) return existing as ScopeRegistry;
    return new ScopeRegistry(root, REGISTRY_ID);
  }

  private readonly byProject = new Map<string, Construct[]>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  register(projectKey: string, owner: Construct): void {
    const list = this.byProject.get(projectKey);
    if (list) list.push(owner);
    else this.byProject.set(projectKey, [owner]);
  }

  /** Other constructs declared for the same project, in declaration order. */
  othersFor(projectKey: string, owner: Construct): Construct[] {
    return (this.byProject.get(projectKey) ?? []).filter((c) => c !== owner);
  }
}
