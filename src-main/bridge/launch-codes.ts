/**
 * Single-use launch codes: what `relayproof serve` hands to the browser opener instead
 * of the token. The opener's argv (`xdg-open <url>`) is visible to every local user
 * through `ps`, so what it carries must be worthless soon: a code opens the page (with
 * the token in it) once, and only within 60 s of being issued.
 */
import { createToken, tokensMatch } from './request-guard';

export const LAUNCH_CODE_TTL_MS = 60_000;
/** One per `launchUrl()` call; a handful is plenty, so an endless caller cannot grow memory. */
const MAX_LIVE_CODES = 16;

export interface LaunchCodes {
  /** A fresh 256-bit hex code, live for the TTL or until redeemed. */
  issue(): string;
  /** True once for a live code; afterwards (or after the TTL) the code is dead. */
  redeem(candidate: string | undefined): boolean;
}

export interface LaunchCodesOptions {
  /** Milliseconds clock (injected so tests can step past the TTL). */
  readonly now: () => number;
  readonly ttlMs?: number;
}

export function createLaunchCodes(options: LaunchCodesOptions): LaunchCodes {
  const ttlMs = options.ttlMs ?? LAUNCH_CODE_TTL_MS;
  // Oldest first.
  const live: Array<{ readonly code: string; readonly expiresAt: number }> = [];

  function dropExpired(): void {
    const now = options.now();
    for (let i = live.length - 1; i >= 0; i--) {
      if ((live[i]?.expiresAt ?? 0) <= now) live.splice(i, 1);
    }
  }

  return {
    issue() {
      dropExpired();
      const code = createToken();
      live.push({ code, expiresAt: options.now() + ttlMs });
      while (live.length > MAX_LIVE_CODES) live.shift();
      return code;
    },
    redeem(candidate) {
      dropExpired();
      if (candidate === undefined) return false;
      // Every live code is compared, in constant time each, so the answer's timing says
      // nothing about how close a guess came or which code it matched.
      let found = -1;
      live.forEach((entry, index) => {
        if (tokensMatch(candidate, entry.code)) found = index;
      });
      if (found < 0) return false;
      live.splice(found, 1);
      return true;
    },
  };
}
