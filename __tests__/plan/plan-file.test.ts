import * as path from 'path';
import { distinctStacks, parsePlanText, PlanInputError, readPlanFile, stackNameFromFile } from '../../lib/plan/plan-file';

const FIX = path.join(__dirname, 'fixtures');
const NOT_A_PLAN = 'not a Terraform plan (no format_version/resource_changes); produce it with terraform show -json PLANFILE';

describe('parsePlanText', () => {
  it('rejects text that is not JSON, naming the file and the parser\'s reason', () => {
    expect(() => parsePlanText('Terraform will perform the following actions:', 'plan.txt'))
      .toThrow(new PlanInputError("plan.txt: not JSON (Unexpected token 'T')"));
    expect(() => parsePlanText('{"format_version":"1.2"} trailing', 'plan.json'))
      .toThrow(new PlanInputError('plan.json: not JSON (Unexpected non-whitespace character after JSON at position 25)'));
  });

  it('rejects an empty file as not JSON', () => {
    expect(() => parsePlanText('', 'empty.json')).toThrow(new PlanInputError('empty.json: not JSON (Unexpected end of JSON input)'));
  });

  it('never quotes the file: a secret in it, even cut off, stays out of the message', () => {
    expect(() => parsePlanText('{"token": glpat-abcdefghijklmnopqrst}', 'secrets.json'))
      .toThrow(new PlanInputError("secrets.json: not JSON (Unexpected token 'g')"));
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"plan"'],
    ['null', 'null'],
    ['an object without format_version', '{"resource_changes":[]}'],
    ['a state dump (terraform show -json without a plan)', '{"format_version":"1.0","values":{"root_module":{}}}'],
    ['resource_changes that is not a list', '{"format_version":"1.2","resource_changes":{}}'],
  ])('rejects JSON that is %s as not a plan', (_what, text) => {
    expect(() => parsePlanText(text, 'x.json')).toThrow(`x.json: ${NOT_A_PLAN}`);
  });

  it('accepts a plan without resource_changes (no resources at all) as a plan with no changes', () => {
    const plan = parsePlanText('{"format_version":"1.2","planned_values":{"root_module":{}}}', 'p.json');
    expect(plan.resource_changes).toEqual([]);
  });

  it('names the first malformed resource change', () => {
    const text = JSON.stringify({ format_version: '1.2', resource_changes: [
      { address: 'a.b', type: 'a', change: { actions: ['create'] } },
      { address: 'c.d', type: 'c', change: {} },
    ] });
    expect(() => parsePlanText(text, 'p.json')).toThrow(
      'p.json: resource_changes[1] is not a resource change (needs address, type, change.actions); produce the file with terraform show -json PLANFILE');
  });
});

describe('readPlanFile', () => {
  it('reports a missing file', () => {
    expect(() => readPlanFile('nope.json', FIX)).toThrow('nope.json: cannot read (no such file)');
  });

  it('reads a fixture and names its stack', () => {
    const p = readPlanFile('acme.plan.json', FIX);
    expect(p.stack).toBe('acme');
    expect(p.plan.terraform_version).toBe('1.11.4');
  });
});

describe('stackNameFromFile', () => {
  it.each([
    ['cdktf.out/stacks/acme/plan.json', 'acme'],
    ['cdktf.out/stacks/acme/tfplan.json', 'acme'],
    ['plans/platform.plan.json', 'platform'],
    ['plans/platform.tfplan.json', 'platform'],
    ['ops.json', 'ops'],
  ])('%s -> %s', (file, stack) => {
    expect(stackNameFromFile(file)).toBe(stack);
  });

  it('keeps stack names distinct when two files name the same stack', () => {
    const plan = parsePlanText('{"format_version":"1.2","resource_changes":[]}', 'x');
    const out = distinctStacks([
      { stack: 'acme', file: 'a/acme.json', plan },
      { stack: 'acme', file: 'b/acme.json', plan },
      { stack: 'web', file: 'web.json', plan },
    ]);
    expect(out.map((p) => p.stack)).toEqual(['acme (a/acme.json)', 'acme (b/acme.json)', 'web']);
  });
});
