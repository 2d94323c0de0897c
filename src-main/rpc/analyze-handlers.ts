/**
 * Handlers of src-preload/contract/analyze.ts: "explain this error" (a pasted reply line,
 * bounce or SaaS error read against the reply catalogue from resources/replies), and the
 * DKIM selector a received message was signed with, and what a saved bounce says.
 */
import { ok } from '../../src-preload/contract';
import { readBounceBytes } from '../analyze/bounce-file';
import { readDkimSignatures } from '../analyze/dkim-signatures';
import { explain } from '../analyze/explain';
import { unreadableResource } from '../app/json-resource';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

export function analyzeHandlers(deps: HandlerDeps): Pick<Handlers, 'analyze:explain' | 'analyze:read-dkim-signatures' | 'analyze:read-bounce'> {
  return {
    async 'analyze:explain'({ text }) {
      const loaded = await deps.replies();
      return loaded.ok ? ok(explain(text, loaded.catalogue)) : unreadableResource('replies', loaded.problems);
    },

    async 'analyze:read-dkim-signatures'({ headers, domain }) {
      return ok(readDkimSignatures(headers, domain));
    },

    async 'analyze:read-bounce'({ raw }) {
      const loaded = await deps.replies();
      return loaded.ok ? readBounceBytes(Buffer.from(raw, 'base64'), loaded.catalogue, { surface: 'app' }) : unreadableResource('replies', loaded.problems);
    },
  };
}
