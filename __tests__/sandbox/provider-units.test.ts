/**
 * The stand-in's pure parts without Terraform: the cty wire format, the
 * framework's planning rules, client-go's URL and error conventions; and the
 * sandbox endpoints it relies on.
 */
import { encode } from '@msgpack/msgpack';
import { CtyError, CtyObject, CtyType, decodeJson, decodeMsgpack, encodeMsgpack, UNKNOWN } from '../../lib/sandbox/provider/cty';
import { frameworkPlan } from '../../lib/sandbox/provider/framework-plan';
import { clientGoBaseUrl, parseGoError, pathEscape } from '../../lib/sandbox/provider/gitlab-client';
import { JOB_TOKEN_SCOPES_SCHEMA } from '../../lib/sandbox/provider/resources/project-job-token-scopes';
import { RequestLog } from '../../lib/sandbox/request-log';
import { startTestSandbox, TOK } from './helpers';

const T: CtyType = ['object', { id: 'string', n: 'number', ok: 'bool', ids: ['set', 'number'] }];

describe('cty MessagePack', () => {
  it('round-trips values, writes an unknown as fixext1 type 0, and reads refined unknowns', () => {
    const v: CtyObject = { id: 'x', n: 12, ok: UNKNOWN, ids: [1, 2] };
    expect(decodeMsgpack(T, encodeMsgpack(T, v))).toEqual(v);
    expect(Buffer.from(encodeMsgpack('string', UNKNOWN)).toString('hex')).toBe('d40000');
    // Terraform >= 1.6 may send refinements in the payload: still unknown.
    expect(decodeMsgpack('string', Buffer.from('c7030001020c', 'hex'))).toBe(UNKNOWN);
    expect(decodeMsgpack('number', encode('42'))).toBe(42);
  });

  it('requires every object attribute over the wire, but not in stored JSON', () => {
    expect(() => decodeMsgpack(T, encode({ id: 'x' }))).toThrow(CtyError);
    expect(decodeJson(T, '{"id":"x","gone":true}')).toEqual({ id: 'x', n: null, ok: null, ids: null });
  });
});

describe('the framework planning rules on gitlab_project_job_token_scopes', () => {
  const S = JOB_TOKEN_SCOPES_SCHEMA;
  const state = { id: '12', project: '12', project_id: 12, enabled: true, target_project_ids: [13], target_group_ids: [] };

  it('create: computed attributes left out of the config are unknown', () => {
    const config = { id: null, project: '12', project_id: null, enabled: null, target_project_ids: [13], target_group_ids: [] };
    const r = frameworkPlan({ schema: S, prior: null, proposed: config, config });
    expect(r.planned).toMatchObject({ id: UNKNOWN, project_id: UNKNOWN, enabled: UNKNOWN, target_project_ids: [13] });
    expect(r.requiresReplace).toEqual([]);
  });

  it('any change turns the unconfigured project_id unknown, which RequiresReplace turns into a replacement', () => {
    const config = { id: null, project: '12', project_id: null, enabled: true, target_project_ids: [13, 14], target_group_ids: [] };
    const proposed = { ...config, id: '12', project_id: 12 };
    const r = frameworkPlan({ schema: S, prior: state, proposed, config });
    expect(r.planned).toMatchObject({ id: '12', project_id: UNKNOWN });
    expect(r.requiresReplace).toEqual(['project_id']);
  });

  it('no change: the plan is the prior state; UseStateForUnknown keeps what state holds', () => {
    const config = { id: null, project: '12', project_id: null, enabled: null, target_project_ids: [13], target_group_ids: [] };
    const r = frameworkPlan({ schema: S, prior: state, proposed: { ...state }, config });
    expect(r.planned).toEqual(state);
    expect(r.requiresReplace).toEqual([]);
    expect(frameworkPlan({ schema: S, prior: state, proposed: null, config: null })).toEqual({ planned: null, requiresReplace: [] });
  });
});

describe('client-go conventions', () => {
  it('adds api/v4/ to the base URL, escapes ids with dots, and words errors like ErrorResponse', () => {
    expect(clientGoBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/api/v4/');
    expect(clientGoBaseUrl('https://gitlab.example.com/api/v4/')).toBe('https://gitlab.example.com/api/v4/');
    expect(clientGoBaseUrl('https://example.com/gitlab')).toBe('https://example.com/gitlab/api/v4/');
    expect(pathEscape('acme/web.site')).toBe('acme%2Fweb%2Esite');
    expect(parseGoError({ error: 'id is invalid' })).toBe('{error: id is invalid}');
    expect(parseGoError({ message: { base: ['a', 'b'] } })).toBe('{message: {base: [a, b]}}');
  });
});

describe('sandbox endpoints the stand-in relies on', () => {
  it('GET /application/settings answers administrators only', async () => {
    const sb = await startTestSandbox({ requestLog: true });
    try {
      const get = (t: string) => fetch(`${sb.url}/api/v4/application/settings`, { headers: { 'PRIVATE-TOKEN': t } });
      const admin = await get(TOK.root);
      expect(admin.status).toBe(200);
      expect(await admin.json()).toMatchObject({ enforce_ci_inbound_job_token_scope_enabled: false });
      const ops = await get(TOK.ops);
      expect(ops.status).toBe(403);
      expect(await ops.json()).toEqual({ message: '403 Forbidden' });
      expect(sb.requests()).toEqual([
        { method: 'GET', path: '/api/v4/application/settings', query: '', status: 200 },
        { method: 'GET', path: '/api/v4/application/settings', query: '', status: 403 },
      ]);
      sb.clearRequests();
      expect(sb.requests()).toEqual([]);
    } finally {
      await sb.stop();
    }
  });

  it('the request log is off unless asked for, and bounded', async () => {
    const sb = await startTestSandbox();
    try {
      await fetch(`${sb.url}/api/v4/version`, { headers: { 'PRIVATE-TOKEN': TOK.ops } });
      expect(sb.requests()).toEqual([]);
    } finally {
      await sb.stop();
    }
    const log = new RequestLog(2);
    for (const status of [200, 201, 204]) log.add({ method: 'GET', path: '/x', query: '', status });
    expect(log.entries().map((e) => e.status)).toEqual([201, 204]);
  });
});
