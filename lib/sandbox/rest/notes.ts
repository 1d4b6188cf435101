/** Merge request notes: `GET|POST /projects/:id/merge_requests/:iid/notes`, `PUT .../notes/:note_id`. */
import type { MergeRequest, Project } from '../state';
import { Caller, isResponse, visibleProject } from './caller';
import { paginateOffset } from './pagination';
import { noteJson } from './serializers';
import { ERR, json, RestEnv, RestRequest, RestResponse } from './types';

function findMergeRequest(env: RestEnv, caller: Caller, id: string, rawIid: string): { project: Project; mr: MergeRequest } | RestResponse {
  const project = visibleProject(env.state, caller, id);
  if (isResponse(project)) return project;
  const mr = /^\d+$/.test(rawIid) ? project.mergeRequests.get(Number(rawIid)) : undefined;
  if (!mr) return json(404, { message: '404 Not found' });
  return { project, mr };
}

function bodyParam(req: RestRequest): string | RestResponse {
  const body = req.params.body;
  if (body === undefined || body === null || body === '') return ERR.missing('body');
  if (typeof body !== 'string') return ERR.invalid('body');
  return body;
}

export function listNotes(env: RestEnv, req: RestRequest, caller: Caller, id: string, iid: string): RestResponse {
  const found = findMergeRequest(env, caller, id, iid);
  if (isResponse(found)) return found;
  const orderBy = req.url.searchParams.get('order_by') === 'updated_at' ? 'updatedAt' : 'createdAt';
  const asc = req.url.searchParams.get('sort') === 'asc';
  const sorted = [...found.mr.notes].sort((a, b) => {
    const c = a[orderBy].localeCompare(b[orderBy]) || a.id - b.id;
    return asc ? c : -c;
  });
  const page = paginateOffset(sorted, req.url);
  return json(200, page.items.map((n) => noteJson(env.state, n, found.project, found.mr.iid, env.baseUrl)), page.headers);
}

export function createNote(env: RestEnv, req: RestRequest, caller: Caller, id: string, iid: string): RestResponse {
  const found = findMergeRequest(env, caller, id, iid);
  if (isResponse(found)) return found;
  const body = bodyParam(req);
  if (isResponse(body)) return body;
  const user = caller.principal.user;
  if (!user) return ERR.unauthorized();
  const now = env.state.nowIso();
  const note = { id: env.state.newNoteId(), body, authorId: user.id, createdAt: now, updatedAt: now };
  found.mr.notes.push(note);
  return json(201, noteJson(env.state, note, found.project, found.mr.iid, env.baseUrl));
}

export function updateNote(env: RestEnv, req: RestRequest, caller: Caller, id: string, iid: string, noteId: string): RestResponse {
  const found = findMergeRequest(env, caller, id, iid);
  if (isResponse(found)) return found;
  const note = found.mr.notes.find((n) => String(n.id) === noteId);
  if (!note) return ERR.notFound('Note');
  const body = bodyParam(req);
  if (isResponse(body)) return body;
  const user = caller.principal.user;
  if (!user || (note.authorId !== user.id && !user.admin)) return ERR.forbidden();
  note.body = body;
  note.updatedAt = env.state.nowIso();
  return json(200, noteJson(env.state, note, found.project, found.mr.iid, env.baseUrl));
}
