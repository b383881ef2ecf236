import { isOn } from '../../config/env-schema.js';
import type { ContentConfig } from '../../services/content/content-config-schema.js';
import { privateHostProblem } from '../../services/content/host-policy.js';
import { resolveInside } from '../../services/content/provider-registry.js';
import { BadRequestError } from '../../services/errors.js';

export interface ContentPolicy {
  CONTENT_DIR: string;
  CONTENT_ALLOW_PRIVATE_HOSTS: boolean | '1' | '0';
}

/**
 * What the content schema cannot judge: a `directory` provider's folder must lie inside
 * CONTENT_DIR, and a `gimme` provider's URL must not name a private host (unless allowed).
 * Refused when saved, so it cannot fail quietly at delivery time.
 */
export function assertUsableContent(content: ContentConfig | undefined, policy: ContentPolicy, field = 'settings.content'): void {
  content?.providers.forEach((provider, i) => {
    const at = `${field}.providers[${i}]`;
    if (provider.kind === 'directory') {
      try {
        resolveInside(policy.CONTENT_DIR, provider.path);
      } catch {
        throw new BadRequestError('INVALID_CONTENT_CONFIG', `${at}.path: ${JSON.stringify(provider.path)} is outside the content folder (CONTENT_DIR)`);
      }
    }
    if (provider.kind === 'gimme' && !isOn(policy.CONTENT_ALLOW_PRIVATE_HOSTS)) {
      const problem = privateHostProblem(provider.baseUrl);
      if (problem) {
        throw new BadRequestError('PRIVATE_HOST', `${at}.baseUrl ${problem}; only public hosts are allowed (CONTENT_ALLOW_PRIVATE_HOSTS=1 lifts this)`);
      }
    }
  });
}
