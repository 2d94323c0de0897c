/**
 * Access tokens held in the main process's memory between "get a token" and "test with
 * it", under a random id the renderer may hold instead of the token. Nothing is written
 * anywhere; an expired token is dropped when asked for; `clear()` on quit or sign-out.
 */
import { randomBytes } from 'node:crypto';

export interface TokenHolder {
  /** Keeps the token until `expiresAt` (ISO time; null = one hour); returns its id. */
  put(token: string, expiresAt: string | null): string;
  /** The token, or null when unknown or expired. */
  get(id: string): string | null;
  delete(id: string): void;
  clear(): void;
}

const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;
const MAX_HELD = 20;

export function createTokenHolder(clock: () => Date = () => new Date()): TokenHolder {
  const held = new Map<string, { token: string; expiresAtMs: number }>();
  const prune = () => {
    const now = clock().getTime();
    for (const [id, entry] of held) if (entry.expiresAtMs <= now) held.delete(id);
  };
  return {
    put(token, expiresAt) {
      prune();
      // Oldest first out: a long session of retries must not pile up tokens.
      while (held.size >= MAX_HELD) {
        const oldest = held.keys().next().value;
        if (oldest === undefined) break;
        held.delete(oldest);
      }
      const id = `tok-${randomBytes(16).toString('hex')}`;
      const parsed = expiresAt !== null ? Date.parse(expiresAt) : NaN;
      held.set(id, { token, expiresAtMs: Number.isNaN(parsed) ? clock().getTime() + DEFAULT_LIFETIME_MS : parsed });
      return id;
    },
    get(id) {
      prune();
      return held.get(id)?.token ?? null;
    },
    delete(id) {
      held.delete(id);
    },
    clear() {
      held.clear();
    },
  };
}
