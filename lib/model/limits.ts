/** GitLab's per-project caps on the inbound allowlist (facts sheet, section 1). */
export const MAX_PROJECT_ENTRIES = 200;
export const MAX_GROUP_ENTRIES = 200;
