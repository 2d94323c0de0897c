/**
 * Picks the transport: in Electron the preload exposes `window.relayproof`; in a
 * browser (`relayproof serve`) the bridge injects the token into index.html.
 */
import type { RelayproofApi } from '../../../src-preload/contract';
import { createHttpApi } from './http-api';

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
  return { api: createHttpApi({ token: readToken(win.document, win.location) }), transport: 'browser' };
}

/** The bridge writes `<meta name="relayproof-token">`; the launch URL's `?token=` is the fallback. */
export function readToken(doc: Document, location: Location): string | null {
  const meta = doc.querySelector<HTMLMetaElement>('meta[name="relayproof-token"]');
  const fromMeta = meta?.content.trim() ?? '';
  if (fromMeta !== '') return fromMeta;
  const fromQuery = new URLSearchParams(location.search).get('token')?.trim() ?? '';
  return fromQuery === '' ? null : fromQuery;
}
