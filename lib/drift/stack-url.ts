import { ConfigError, normalizeBaseUrl } from '../gitlab/config';
import type { StackJson } from './declared';

/**
 * The GitLab instance the stacks were synthesized for: the GitLab provider's
 * `base_url` (`TokenScopeStack` `baseUrl`), as an instance root. Undefined when
 * no stack sets one (the provider then reads GITLAB_BASE_URL at deploy time).
 * Stacks naming different instances cannot be checked in one run.
 */
export function stackGitLabUrl(files: ReadonlyArray<{ stack: string; json: StackJson }>): string | undefined {
  const byUrl = new Map<string, string[]>();
  for (const f of files) {
    for (const raw of providerBaseUrls(f.json)) {
      let url: string;
      try {
        url = normalizeBaseUrl(raw);
      } catch {
        continue; // not a URL we could use (validated by the construct at synth); the user's --url or environment decides
      }
      byUrl.set(url, [...(byUrl.get(url) ?? []), f.stack]);
    }
  }
  if (byUrl.size > 1) {
    const list = [...byUrl].map(([url, stacks]) => `${url} (${[...new Set(stacks)].join(', ')})`).join(', ');
    throw new ConfigError(`the stacks name different GitLab instances: ${list}; check them one instance at a time with --stack`);
  }
  return byUrl.keys().next().value;
}

function providerBaseUrls(json: StackJson): string[] {
  const gitlab = json.provider?.gitlab;
  const blocks = Array.isArray(gitlab) ? gitlab : gitlab !== undefined ? [gitlab] : [];
  return blocks
    .map((b) => (b && typeof b === 'object' ? (b as { base_url?: unknown }).base_url : undefined))
    .filter((u): u is string => typeof u === 'string' && u !== '' && !u.includes('${'));
}
