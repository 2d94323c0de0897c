/**
 * Access tokens held in the main process's memory between "get a token" and "test with
 * it", under a random id the renderer may hold instead of the token. Nothing is written
 * anywhere; an expired token is dropped when asked for; `clear()` on quit or sign-out.
 * A live token is never dropped to make room for another: when the bound is reached,
 * `put` refuses (TokenHolderFullError) and the caller says so.
 */
import { randomBytes } from 'node:crypto';

export interface TokenHolder {
  /** Keeps the token until `expiresAt` (ISO time; null = one hour); returns its id. Throws TokenHolderFullError when `max` live tokens are held. */
  put(token: string, expiresAt: string | null): string;
  /** The token, or null when unknown or expired. */
  get(id: string): string | null;
  delete(id: string): void;
  clear(): void;
}

const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;
/** Enough for one token per saved address of any realistic setup. */
export const MAX_HELD = 1000;

export class TokenHolderFullError extends Error {
  constructor(readonly max: number) {
    super(`Relayproof already holds ${max} live access tokens in memory. Sign out (Forget token) of an address you are not testing, then try again.`);
    this.name = 'TokenHolderFullError';
  }
}

export function createTokenHolder(clock: () => Date = () => new Date(), max: number = MAX_HELD): TokenHolder {
  const held = new Map<string, { token: string; expiresAtMs: number }>();
  const prune = () => {
    const now = clock().getTime();
    for (const [id, entry] of held) if (entry.expiresAtMs <= now) held.delete(id);
  };
  return {
    put(token, expiresAt) {
      prune();
      // Never drop someone else's live token silently: refuse instead.
      if (held.size >= max) throw new TokenHolderFullError(max);
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
