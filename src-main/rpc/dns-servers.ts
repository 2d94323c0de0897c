/**
 * The admin's DNS servers from Settings apply wherever a call names none: the
 * checklist, propagation, probes, connection tests and provider autodetect all ask the
 * same servers.
 */
import type { AppStore } from '../store/store';

export function dnsServersOr(store: Pick<AppStore, 'settings'>, given: readonly string[]): string[] {
  return given.length > 0 ? [...given] : [...store.settings().dnsServers];
}
