import { parsePlanText } from '../../lib/plan/plan-file';
import { serializeWidgetReport, sumWidgetReports, widgetReport } from '../../lib/plan/widget-report';
import { fixturePlans } from './helpers';

const plan = (...actions: string[][]) => parsePlanText(JSON.stringify({
  format_version: '1.2',
  resource_changes: actions.map((a, i) => ({ address: `t.r${i}`, type: 't', mode: a[0] === 'read' ? 'data' : 'managed', change: { actions: a } })),
}), 'p.json');

describe('GitLab Terraform widget report', () => {
  it('counts create, update, delete; a replace once as create and once as delete (either order)', () => {
    expect(widgetReport(plan(['create'], ['update'], ['delete'], ['delete', 'create'], ['create', 'delete'])))
      .toEqual({ create: 3, update: 1, delete: 3 });
  });

  it('counts no-op and read not at all', () => {
    expect(widgetReport(plan(['no-op'], ['read'], ['no-op']))).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('counts every resource type, not only job-token scopes, as gitlab-terraform does', () => {
    // acme: 3 scope changes with create/update/delete + 4 other types (create, update, delete, replace), a read and a no-op.
    expect(widgetReport(fixturePlans('acme.plan.json')[0].plan)).toEqual({ create: 4, update: 4, delete: 4 });
    expect(widgetReport(fixturePlans('no-scopes.plan.json')[0].plan)).toEqual({ create: 1, update: 0, delete: 0 });
  });

  it('is all zeros for a plan without resource_changes', () => {
    expect(widgetReport(fixturePlans('empty.plan.json')[0].plan)).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('sums stacks into the one report a job may carry, serialized with exactly the three keys', () => {
    const sum = sumWidgetReports(fixturePlans('acme.plan.json', 'stacks/platform/plan.json').map((p) => widgetReport(p.plan)));
    expect(sum).toEqual({ create: 5, update: 6, delete: 4 });
    expect(serializeWidgetReport(sum)).toBe('{"create":5,"update":6,"delete":4}\n');
  });
});
