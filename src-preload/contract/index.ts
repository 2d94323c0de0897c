/**
 * The one contract between the renderer and everything else (Electron IPC, the
 * browser-mode HTTP bridge, the CLI). Each channel declares a zod schema for its input
 * and for the value of its result, so the types and the runtime validation cannot
 * drift (the idea of GitHub Desktop's `ipc-shared.ts`, one step further).
 *
 * Pure TypeScript + zod: importable by main, preload, renderer and CLI.
 */
import { z } from 'zod';
import {
  secretInputSchema,
} from './fields';
import { checklistEventSchema, checklistInputSchema, checklistReportSchema } from './checks-schemas';
import { propagationReportSchema, propagationRequestSchema } from './dns-schemas';
import { explainInputSchema, explainResultSchema } from './analyze';
import {
  connectionReportSchema,
  phaseEventSchema,
  probeEventSchema,
  probeInputSchema,
  probeReportSchema,
} from './smtp-schemas';
import {
  explainTokenInputSchema,
  generatedScriptSchema,
  m365ChecklistInputSchema,
  m365ChecklistSchema,
  m365FactsSchema,
  retirementStatusSchema,
  scriptRequestSchema,
  tokenExplanationSchema,
} from './m365-schemas';

import {
  KEYCHAIN_TIMEOUT_MS,
  SMTP_CHANNEL_TIMEOUT_MS,
  byId,
  empty,
  operationIdSchema,
  patchOf,
  smtpTestInput,
  type ChannelSpec,
} from './channel-spec';
import {
  addressViewSchema,
  addressFieldsSchema,
  appInfoSchema,
  idSchema,
  secretStateSchema,
  settingsSchema,
  type Result,
} from './domain';

import { addressChannels } from './addresses';
import { m365Channels } from './m365';
import { verificationChannels } from './verification';

export * from './domain';
export * from './addresses';
export * from './m365';
export * from './verification';
export * from './data-folder';
export * from './channel-spec';


export const contract = {
  ...addressChannels,
  ...m365Channels,
  ...verificationChannels,
  'app:get-info': { input: empty, output: appInfoSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'app:dismiss-notice': { input: byId, output: z.object({ dismissed: z.boolean() }) },
  'app:cancel-operation': { input: z.strictObject({ operationId: operationIdSchema }), output: z.object({ cancelled: z.boolean() }) },
  'settings:get': { input: empty, output: settingsSchema },
  'settings:update': { input: z.strictObject({ patch: patchOf(settingsSchema) }), output: settingsSchema },
  'addresses:list': { input: empty, output: z.array(addressViewSchema), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'addresses:create': {
    input: z.strictObject({
      fields: addressFieldsSchema,
      secret: secretInputSchema.optional(),
      /** `in-progress`: the connect wizard saves the address with its secret before it has finished (addresses:complete-setup ends that). */
      setup: z.enum(['in-progress', 'complete']).default('complete'),
    }),
    output: addressViewSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  'addresses:update': {
    input: z.strictObject({ id: idSchema, patch: patchOf(addressFieldsSchema) }),
    output: addressViewSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
  },
  'addresses:delete': { input: byId, output: z.object({ deleted: z.boolean(), secretDeleted: z.boolean() }), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'vault:set-secret': {
    input: z.strictObject({ addressId: idSchema, secret: secretInputSchema }),
    output: secretStateSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  'vault:has-secret': { input: z.strictObject({ addressId: idSchema }), output: secretStateSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'vault:delete-secret': { input: z.strictObject({ addressId: idSchema }), output: z.object({ deleted: z.boolean() }), timeoutMs: KEYCHAIN_TIMEOUT_MS },
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
  /** Any pasted error (reply line, bounce, Zuora message) → diagnoses with fix steps. */
  'analyze:explain': { input: explainInputSchema, output: explainResultSchema },
  /** The DKIM/SPF/DMARC checklist of a domain; items stream as they finish. */
  'checks:run-checklist': {
    input: checklistInputSchema.extend({ operationId: operationIdSchema }),
    output: checklistReportSchema,
    event: checklistEventSchema,
    timeoutMs: 60_000,
  },
  /** One record as the authoritative servers and each configured resolver serve it. */
  'checks:check-propagation': { input: propagationRequestSchema, output: propagationReportSchema, timeoutMs: 30_000 },
  /** Microsoft 365 readiness for a mailbox; a pasted error or a test report marks the item it proves wrong. */
  'm365:get-checklist': { input: m365ChecklistInputSchema, output: m365ChecklistSchema, timeoutMs: 10_000 },
  /** One generated PowerShell script; values are validated and quoted, never escaped. */
  'm365:generate-script': { input: scriptRequestSchema, output: generatedScriptSchema, timeoutMs: 10_000 },
  /** resources/m365.json and where Basic-auth retirement stands today. */
  'm365:get-facts': { input: empty, output: z.object({ facts: m365FactsSchema, retirement: retirementStatusSchema }), timeoutMs: 10_000 },
  /** An access token explained from its own claims, decoded locally; the token never comes back. */
  'm365:explain-token': { input: explainTokenInputSchema, output: tokenExplanationSchema, timeoutMs: 10_000, secretFields: ['token'] },
} as const satisfies Record<string, ChannelSpec>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export const channelNames = Object.keys(contract) as ChannelName[];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/** What the caller passes (defaults may be omitted). */
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
/** What the handler receives after parsing. */
export type ParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type ChannelResult<C extends ChannelName> = Result<ChannelOutput<C>>;

/** Envelope of a progress event for a long operation, on every transport. */
export const operationEventSchema = z.object({
  operationId: operationIdSchema,
  channel: z.string(),
  seq: z.number().int().nonnegative(),
  event: z.unknown(),
});
export type OperationEvent = z.infer<typeof operationEventSchema>;

/** The object exposed as `window.relayproof` (Electron) and implemented over HTTP (browser mode). */
export interface RelayproofApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
  /** Subscribe to progress events; returns the unsubscribe function. */
  onEvent(listener: (event: OperationEvent) => void): () => void;
}

/** IPC channel that carries OperationEvent from main to the renderer. */
export const EVENT_CHANNEL = 'relayproof:event';

