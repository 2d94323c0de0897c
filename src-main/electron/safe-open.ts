/**
 * External links leave the app only to an allowlist of documentation hosts, and only
 * through the OS browser (`shell.openExternal`). Everything else is refused.
 */
import { shell } from 'electron';
import { isAllowedExternalUrl } from './link-allowlist';

export function safeOpenExternal(raw: string): boolean {
  if (!isAllowedExternalUrl(raw)) return false;
  void shell.openExternal(raw);
  return true;
}
