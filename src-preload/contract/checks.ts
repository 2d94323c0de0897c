/**
 * The DNS checks' channels: the SPF/DKIM/DMARC checklist of a domain (items stream as
 * they finish) and one record's propagation. Their schemas are in checks-schemas.ts and
 * dns-schemas.ts.
 */
import { z } from 'zod';
import { operationIdSchema, type ChannelSpec } from './channel-spec';
import { idSchema } from './fields';
import { checklistEventSchema, checklistInputSchema, checklistReportSchema } from './checks-schemas';
import { propagationReportSchema, propagationRequestSchema } from './dns-schemas';
import { addressBlocklistsInputSchema, addressBlocklistsSchema } from './blocklist-schemas';
import { CHECKLIST_TIMEOUT_MS } from './checklist-request';

export const checksChannels = {
  /** The DKIM/SPF/DMARC checklist of a domain; items stream as they finish. */
  'checks:run-checklist': {
    input: checklistInputSchema.extend({ operationId: operationIdSchema }),
    output: checklistReportSchema,
    event: checklistEventSchema,
    timeoutMs: CHECKLIST_TIMEOUT_MS,
  },
  /**
   * The checklist of a saved address, with the input Relayproof builds from it (its platform
   * and route, the relay's selectors, the provider's SPF include, the sending IP of a received
   * message, the forwarding target): the wizard's DNS step, the Checklist view on an address
   * and the status all judge the address this way. Its DNS items are recorded on the address.
   */
  'checks:run-for-address': {
    input: z.strictObject({ addressId: idSchema, operationId: operationIdSchema, from: z.enum(['wizard', 'checklist']).default('checklist') }),
    output: checklistReportSchema,
    event: checklistEventSchema,
    timeoutMs: CHECKLIST_TIMEOUT_MS,
  },
  /** One record as the authoritative servers and each configured resolver serve it. */
  'checks:check-propagation': { input: propagationRequestSchema, output: propagationReportSchema, timeoutMs: 30_000 },
  /** The DNS blocklists of a saved address: the relay's sending IPs as the checklist knows them, and the domain. */
  'checks:check-address-blocklists': { input: addressBlocklistsInputSchema, output: addressBlocklistsSchema, timeoutMs: 30_000 },
} as const satisfies Record<string, ChannelSpec>;
