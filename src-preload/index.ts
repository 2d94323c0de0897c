/**
 * Sandboxed preload (built as CommonJS). Exposes exactly the contract on
 * `window.relayproof`: one typed `invoke` for the known channels and an event
 * subscription. No raw ipcRenderer, no Node, nothing that could return a secret.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelNames, EVENT_CHANNEL, type ChannelName, type OperationEvent, type RelayproofApi } from './contract';

const allowed = new Set<string>(channelNames);

const api: RelayproofApi = {
  invoke(channel: ChannelName, input: unknown) {
    if (!allowed.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'invalid-input', message: 'Unknown channel.' } });
    }
    return ipcRenderer.invoke(channel, input);
  },
  onEvent(listener) {
    const wrapped = (_event: IpcRendererEvent, payload: OperationEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
} as RelayproofApi;

contextBridge.exposeInMainWorld('relayproof', api);
