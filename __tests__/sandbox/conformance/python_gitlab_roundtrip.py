"""Drives the sandbox with Debian's python-gitlab 3.12, as a user's script would.

usage: python_gitlab_roundtrip.py URL TOKEN BAD_TOKEN PROJECT_PATH TARGET_PROJECT_ID TARGET_GROUP_ID
Prints one JSON object with what python-gitlab saw.
"""
import json
import sys

import gitlab

url, token, bad_token, project_path, target_project_id, target_group_id = sys.argv[1:7]
out = {"python_gitlab": gitlab.__version__}

gl = gitlab.Gitlab(url, private_token=token)
gl.auth()
out["user"] = gl.user.username

project = gl.projects.get(project_path)
out["project"] = {"id": project.id, "path_with_namespace": project.path_with_namespace}
base = "/projects/%d/job_token_scope" % project.id

out["scope_before"] = gl.http_get(base)
resp = gl.http_request("patch", base, post_data={"enabled": False})
out["patch_status"] = resp.status_code
out["scope_after_disable"] = gl.http_get(base)
gl.http_request("patch", base, post_data={"enabled": True})
out["scope_after_enable"] = gl.http_get(base)

projects = gl.http_list(base + "/allowlist", get_all=True)
out["allowlist_all"] = [p["path_with_namespace"] for p in projects]
out["allowlist_first_page"] = len(gl.http_list(base + "/allowlist"))
groups = gl.http_list(base + "/groups_allowlist", get_all=True)
out["groups_all"] = [g["id"] for g in groups]

out["added_project"] = gl.http_post(base + "/allowlist", post_data={"target_project_id": int(target_project_id)})
out["added_group"] = gl.http_post(base + "/groups_allowlist", post_data={"target_group_id": int(target_group_id)})
try:
    gl.http_post(base + "/allowlist", post_data={"target_project_id": int(target_project_id)})
    out["duplicate_error"] = None
except gitlab.exceptions.GitlabHttpError as e:
    out["duplicate_error"] = {"code": e.response_code, "message": e.error_message}
out["count_after_add"] = len(gl.http_list(base + "/allowlist", get_all=True))
out["groups_after_add"] = len(gl.http_list(base + "/groups_allowlist", get_all=True))

out["delete_project_status"] = gl.http_delete(base + "/allowlist/" + target_project_id).status_code
out["delete_group_status"] = gl.http_delete(base + "/groups_allowlist/" + target_group_id).status_code
out["count_after_delete"] = len(gl.http_list(base + "/allowlist", get_all=True))
out["groups_after_delete"] = len(gl.http_list(base + "/groups_allowlist", get_all=True))

try:
    gitlab.Gitlab(url, private_token=bad_token).auth()
    out["bad_token"] = None
except gitlab.exceptions.GitlabAuthenticationError as e:
    out["bad_token"] = {"code": e.response_code, "message": e.error_message}

print(json.dumps(out))
