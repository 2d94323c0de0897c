/**
 * Handlers of src-preload/contract/reports.ts: the DMARC aggregate and TLS-RPT reports in
 * the address's saved mailbox, read on demand, and the last read kept for the session.
 */
import { ok } from '../../src-preload/contract/result-values';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

export function reportsHandlers(deps: Pick<HandlerDeps, 'reports'>): Pick<Handlers, 'reports:read-mailbox' | 'reports:get'> {
  return {
    async 'reports:read-mailbox'({ addressId, folder, reverseNames }, ctx) {
      return deps.reports.readMailbox(addressId, { folder, reverseNames, signal: ctx.signal });
    },
    async 'reports:get'({ addressId }) {
      return ok(deps.reports.latest(addressId));
    },
  };
}
