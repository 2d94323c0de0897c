/**
 * The DNS checks' channels: the SPF/DKIM/DMARC checklist of a domain (items stream as
 * they finish) and one record's propagation. Their schemas are in checks-schemas.ts and
 * dns-schemas.ts.
 */
import { operationIdSchema, type ChannelSpec } from './channel-spec';
import { checklistEventSchema, checklistInputSchema, checklistReportSchema } from './checks-schemas';
import { propagationReportSchema, propagationRequestSchema } from './dns-schemas';

export const checksChannels = {
  /** The DKIM/SPF/DMARC checklist of a domain; items stream as they finish. */
  'checks:run-checklist': {
    input: checklistInputSchema.extend({ operationId: operationIdSchema }),
    output: checklistReportSchema,
    event: checklistEventSchema,
    timeoutMs: 60_000,
  },
  /** One record as the authoritative servers and each configured resolver serve it. */
  'checks:check-propagation': { input: propagationRequestSchema, output: propagationReportSchema, timeoutMs: 30_000 },
} as const satisfies Record<string, ChannelSpec>;
