/**
 * The key of tokenscope's block in the `//` comment of each synthesized
 * `gitlab_project_job_token_scopes` resource (Terraform ignores `//`): the
 * constructs write it, the readers of `cdk.tf.json` (drift, policies, resolve)
 * read it. Kept here, free of cdktf, so that readers load fast.
 */
export const SCOPE_METADATA_KEY = 'tokenscope';
