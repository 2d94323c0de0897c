/**
 * electron-store as the engine of every stored document in the app (it throws when
 * imported outside Electron, so it lives here). The same options and guards as conf in
 * Node: document-file.ts checks each file before electron-store reads or writes it.
 */
import ElectronStore from 'electron-store';
import { engineOverConf } from '../store/conf-engine';
import type { DocumentEngine, DocumentLocation } from '../store/document-engine';

export function electronStoreEngine(location: DocumentLocation): DocumentEngine {
  // An absolute cwd: electron-store would otherwise put the file under userData.
  return engineOverConf((options) => new ElectronStore<Record<string, unknown>>({ ...options, cwd: location.cwd, name: location.configName }));
}
