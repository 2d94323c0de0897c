/**
 * The one contract between the renderer and everything else (Electron IPC, the
 * browser-mode HTTP bridge, the CLI). Each channel declares a zod schema for its input
 * and for the value of its result, so the types and the runtime validation cannot
 * drift (the idea of GitHub Desktop's `ipc-shared.ts`, one step further).
 *
 * Each capability declares its own channels beside its schemas (addresses.ts, vault.ts,
 * smtp.ts, checks.ts, m365.ts, verification.ts, app.ts, providers.ts, analyze.ts); this
 * file assembles them and re-exports the results, field rules and channel files. The
 * larger schema files (smtp-schemas.ts, checks-schemas.ts, ...) are imported by path.
 * Pure TypeScript + zod: importable by main, preload, renderer and CLI, and importing
 * nothing from any of them.
 */
import { z } from 'zod';
import { addressChannels } from './addresses';
import { analyzeChannels } from './analyze';
import { appChannels } from './app';
import { operationIdSchema, type ChannelSpec } from './channel-spec';
import { checksChannels } from './checks';
import { m365Channels } from './m365';
import { providerChannels } from './providers';
import type { Result } from './result';
import { sesIdentityChannels } from './ses-identities';
import { smtpChannels } from './smtp';
import { vaultChannels } from './vault';
import { verificationChannels } from './verification';
import { reportsChannels } from './reports';

export * from './result';
export * from './fields';
export * from './channel-spec';
export * from './platform-vocabulary';
export * from './app';
export * from './addresses-schemas';
export * from './addresses';
export * from './vault';
export * from './smtp';
export * from './checks';
export * from './m365';
export * from './verification';
export * from './ses-identities';

export const contract = {
  ...appChannels,
  ...addressChannels,
  ...vaultChannels,
  ...providerChannels,
  ...smtpChannels,
  ...analyzeChannels,
  ...checksChannels,
  ...m365Channels,
  ...verificationChannels,
  ...reportsChannels,
  ...sesIdentityChannels,
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
  /**
   * Browser mode: called each time the event stream (re)connects. Events sent while it was
   * not connected (before its first connection, during a reconnect) reach no one, so a
   * listener refetches what they could have said. Electron's preload does not offer it: its
   * IPC never reconnects, though events sent before the page first subscribes are lost there
   * too (a gap of the page's start only).
   */
  onStreamOpen?(listener: () => void): () => void;
}

/** IPC channel that carries OperationEvent from main to the renderer. */
export const EVENT_CHANNEL = 'relayproof:event';

