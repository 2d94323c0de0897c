/**
 * Handler of "explain this error" (src-preload/contract/analyze.ts): a pasted reply line,
 * bounce or SaaS error read against the reply catalogue from resources/replies.
 */
import { ok } from '../../src-preload/contract';
import { explain } from '../analyze/explain';
import { unreadableResource } from '../app/json-resource';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

export function analyzeHandlers(deps: HandlerDeps): Pick<Handlers, 'analyze:explain'> {
  return {
    async 'analyze:explain'({ text }) {
      const loaded = await deps.replies();
      return loaded.ok ? ok(explain(text, loaded.catalogue)) : unreadableResource('replies', loaded.problems);
    },
  };
}
