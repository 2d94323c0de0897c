/**
 * The SMTP channels: the connection test (every phase from DNS to QUIT), the same test
 * ending with a real test message, and the port probe. The engine's schemas are in
 * smtp-schemas.ts.
 */
import { SMTP_CHANNEL_TIMEOUT_MS, operationIdSchema, type ChannelSpec } from './channel-spec';
import { idSchema, secretInputSchema } from './fields';
import {
  connectionReportSchema,
  connectionTestFieldsSchema,
  phaseEventSchema,
  probeEventSchema,
  probeInputSchema,
  probeReportSchema,
  smtpCredentialsFieldsSchema,
} from './smtp-schemas';

/**
 * A connection test names where its secret comes from: the keychain entry of a saved
 * address, or a draft's secret held in memory for this one call.
 */
export const smtpTestInput = connectionTestFieldsSchema.extend({
  operationId: operationIdSchema,
  addressId: idSchema.optional(),
  secret: secretInputSchema.optional(),
  credentials: smtpCredentialsFieldsSchema.nullable().default(null),
});
export const smtpChannels = {
  /** Every phase from DNS to QUIT; streamed, cancellable; never sends credentials before TLS. */
  'smtp:test-connection': {
    input: smtpTestInput,
    output: connectionReportSchema,
    event: phaseEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /** The same test ending with a real message carrying a unique token. */
  'smtp:send-test-message': {
    input: smtpTestInput,
    output: connectionReportSchema,
    event: phaseEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /** Which ports and security modes a host offers, with one recommendation. */
  'smtp:probe': {
    input: probeInputSchema.extend({ operationId: operationIdSchema }),
    output: probeReportSchema,
    event: probeEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS,
  },
} as const satisfies Record<string, ChannelSpec>;
