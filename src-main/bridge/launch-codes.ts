/**
 * Single-use launch codes: what `relayproof serve` hands to the browser instead of the
 * token. A code travels only inside a 0600 launch file (see launch-file.ts), never on a
 * command line, and is still made worthless soon: it opens the page (with the token in
 * it) once, and only within 60 s of being issued, so a file left behind by a crash or
 * read over the admin's shoulder later holds nothing usable.
 */
import { createToken, tokensMatch } from './request-guard';

export const LAUNCH_CODE_TTL_MS = 60_000;
/** One per launch; a handful is plenty, so an endless caller cannot grow memory. */
const MAX_LIVE_CODES = 16;

/** Why a code stopped being live: what its launch file's owner waits for to delete it. */
export type LaunchEnd = 'redeemed' | 'expired' | 'replaced' | 'closed';

export interface LaunchTicket {
  /** 256 bits of hex. */
  readonly code: string;
  /** Settles once, when the code dies for any reason; it never rejects. */
  readonly ended: Promise<LaunchEnd>;
}

export interface LaunchCodes {
  /** A fresh code, live for the TTL or until redeemed. */
  issue(): LaunchTicket;
  /** True once for a live code; afterwards (or after the TTL) the code is dead. */
  redeem(candidate: string | undefined): boolean;
  /** The bridge is closing: every code dies now. */
  closeAll(): void;
}

export interface LaunchCodesOptions {
  /** Milliseconds clock (injected so tests can step past the TTL). */
  readonly now: () => number;
  readonly ttlMs?: number;
}

interface LiveCode {
  readonly code: string;
  readonly expiresAt: number;
  readonly end: (how: LaunchEnd) => void;
}

export function createLaunchCodes(options: LaunchCodesOptions): LaunchCodes {
  const ttlMs = options.ttlMs ?? LAUNCH_CODE_TTL_MS;
  // Oldest first.
  const live: LiveCode[] = [];

  function kill(entry: LiveCode, how: LaunchEnd): void {
    const at = live.indexOf(entry);
    if (at >= 0) live.splice(at, 1);
    entry.end(how);
  }

  function dropExpired(): void {
    const now = options.now();
    for (const entry of [...live]) {
      if (entry.expiresAt <= now) kill(entry, 'expired');
    }
  }

  return {
    issue() {
      dropExpired();
      const code = createToken();
      let settle: (how: LaunchEnd) => void = () => {};
      const ended = new Promise<LaunchEnd>((resolve) => (settle = resolve));
      // The clock above decides expiry when someone asks; this timer makes sure the code
      // also ends (and its file goes) when nobody ever comes back. Unref'd: it must not
      // keep a stopping process alive.
      const timer = setTimeout(() => kill(entry, 'expired'), ttlMs);
      timer.unref();
      const entry: LiveCode = {
        code,
        expiresAt: options.now() + ttlMs,
        end: (how) => {
          clearTimeout(timer);
          settle(how);
        },
      };
      live.push(entry);
      while (live.length > MAX_LIVE_CODES) {
        const oldest = live[0];
        if (oldest === undefined) break;
        kill(oldest, 'replaced');
      }
      return { code, ended };
    },
    redeem(candidate) {
      dropExpired();
      if (candidate === undefined) return false;
      // Every live code is compared, in constant time each, so the answer's timing says
      // nothing about how close a guess came or which code it matched.
      let found: LiveCode | undefined;
      for (const entry of live) {
        if (tokensMatch(candidate, entry.code)) found = entry;
      }
      if (found === undefined) return false;
      kill(found, 'redeemed');
      return true;
    },
    closeAll() {
      for (const entry of [...live]) kill(entry, 'closed');
    },
  };
}
