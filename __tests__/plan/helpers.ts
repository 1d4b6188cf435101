import * as fs from 'fs';
import * as path from 'path';
import { parseLockFile } from '../../lib/lockfile';
import { mergeNames, namesFromLock, IdNames } from '../../lib/plan/names';
import { readPlanFile, StackPlan } from '../../lib/plan/plan-file';
import type { ScopeAnalysis } from '../../lib/plan/analysis';
import { analyzePlans, namesFromPlans } from '../../lib/plan/summary';

export const FIXTURES = path.join(__dirname, 'fixtures');
/** Two days after the demo seed's auth-log times; every test clock starts here. */
export const NOW = new Date('2026-11-24T08:14:00Z');

export function fixturePlans(...files: string[]): StackPlan[] {
  return files.map((f) => readPlanFile(f, FIXTURES));
}

export function fixtureLockNames(): IdNames {
  return namesFromLock(parseLockFile(fs.readFileSync(path.join(FIXTURES, 'lock.json'), 'utf8')));
}

export function analyzeFixtures(opts: { lock?: boolean } = {}, ...files: string[]): ScopeAnalysis[] {
  const plans = fixturePlans(...(files.length ? files : ['acme.plan.json', 'stacks/platform/plan.json']));
  const names = opts.lock === false ? namesFromPlans(plans) : mergeNames(namesFromPlans(plans), fixtureLockNames());
  return analyzePlans(plans, names);
}

export function byProject(scopes: readonly ScopeAnalysis[], label: string): ScopeAnalysis {
  const s = scopes.find((x) => x.project.label === label);
  if (!s) throw new Error(`no scope for ${label}; have ${scopes.map((x) => x.project.label).join(', ')}`);
  return s;
}

export function labels(targets: ReadonlyArray<{ path: string | null; id: number | null; knownAfterApply: boolean }>): string[] {
  return targets.map((t) => (t.knownAfterApply ? '(known after apply)' : t.path ?? `#${t.id}`));
}
