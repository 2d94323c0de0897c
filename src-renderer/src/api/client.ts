/**
 * Picks the transport: in Electron the preload exposes `window.relayproof`; in a
 * browser (`relayproof serve`) the token comes from the page the bridge served for the
 * printed link (or a one-time launch code), then from sessionStorage on a reload.
 */
import type { RelayproofApi } from '../../../src-preload/contract';
import { createHttpApi, readSessionToken } from './http-api';

declare global {
  interface Window {
    /** Exposed by the preload through contextBridge; absent in browser mode. */
    readonly relayproof?: RelayproofApi;
  }
}

export type Transport = 'electron' | 'browser';

export interface ApiClient {
  readonly api: RelayproofApi;
  readonly transport: Transport;
}

export function createApiClient(win: Window = window): ApiClient {
  const exposed = win.relayproof;
  if (exposed !== undefined && typeof exposed.invoke === 'function') {
    return { api: exposed, transport: 'electron' };
  }
  return { api: createHttpApi({ token: readSessionToken(win) }), transport: 'browser' };
}
