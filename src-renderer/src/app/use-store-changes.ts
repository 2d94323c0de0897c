import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChannelName } from '../../../src-preload/contract';
import type { StoreChange } from '../../../src-preload/contract/app';
import { useApiClient } from '../api/api-context';
import { channelKey } from '../api/hooks';
import { assertNever } from './assert-never';

/** What each stored document feeds; the addresses appear in the status views too. */
function channelsOf(document: StoreChange['document']): readonly ChannelName[] {
  switch (document) {
    case 'settings':
      // Zuora advanced SMTP identities live in the settings document beside the addresses.
      return ['addresses:list', 'addresses:events', 'settings:get', 'app:get-info', 'verification:status', 'ses-identities:list'];
    case 'verification':
      return ['verification:status', 'verification:history', 'app:get-info'];
    case 'm365-apps':
      return ['m365:get-oauth-state'];
    default:
      return assertNever(document);
  }
}

/** Every stored document (a key per member of the union: a new document fails to compile here). */
const DOCUMENTS: Readonly<Record<StoreChange['document'], null>> = { settings: null, verification: null, 'm365-apps': null };

/** The channels of every stored document: what a page refetches when it may have missed a change. */
export function storeBackedChannels(): ChannelName[] {
  return [...new Set((Object.keys(DOCUMENTS) as Array<StoreChange['document']>).flatMap((document) => channelsOf(document)))];
}

/**
 * Another process (a `relayproof` command, another browser-mode server) changed the
 * shared data folder ('store:changes'): refetch what the views show from it, so an
 * address added from a script appears without a reload.
 */
export function useStoreChanges(): void {
  const { api } = useApiClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    let stopped = false;
    const unsubscribe = api.onEvent((envelope) => {
      // The contract module of this event holds Settings' schemas too: it is loaded with
      // the first event, so the first view does not wait for them to be built. Events are
      // still handled in order (each waits on the same import).
      void import('../../../src-preload/contract/app').then(({ STORE_CHANGES_CHANNEL, STORE_CHANGES_OPERATION_ID, storeChangeSchema }) => {
        if (stopped || envelope.operationId !== STORE_CHANGES_OPERATION_ID || envelope.channel !== STORE_CHANGES_CHANNEL) return;
        const parsed = storeChangeSchema.safeParse(envelope.event);
        if (!parsed.success) return;
        for (const channel of channelsOf(parsed.data.document)) void queryClient.invalidateQueries({ queryKey: channelKey(channel) });
      });
    });
    // Browser mode: a change sent before the event stream connected (or while it reconnected)
    // reached no one; the page refetches what it shows from the stored documents.
    const unsubscribeOpen = api.onStreamOpen?.(() => {
      for (const channel of storeBackedChannels()) void queryClient.invalidateQueries({ queryKey: channelKey(channel) });
    });
    return () => {
      stopped = true;
      unsubscribe();
      unsubscribeOpen?.();
    };
  }, [api, queryClient]);
}
