import { describe, expect, it, vi } from 'vitest';
import { createHttpApi, readSessionToken, TOKEN_HEADER, TOKEN_STORAGE_KEY, type TokenHost } from './http-api';

const TOKEN = 'a1'.repeat(32);

/** A page as the bridge serves it: the token meta (or none), an address, a tab's sessionStorage. */
function page(options: { meta?: string; url?: string; storage?: Map<string, string>; blockedStorage?: boolean }) {
  const storage = options.storage ?? new Map<string, string>();
  const url = new URL(options.url ?? 'http://127.0.0.1:4000/');
  const replaced: string[] = [];
  const store = {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, value),
  };
  const host: TokenHost = {
    document: {
      querySelector: (selector: string) =>
        selector === 'meta[name="relayproof-token"]' && options.meta !== undefined ? { getAttribute: (name: string) => (name === 'content' ? (options.meta ?? null) : null) } : null,
    },
    location: { hash: url.hash },
    history: { replaceState: (_data, _unused, next) => void replaced.push(next ?? '') },
    get sessionStorage() {
      if (options.blockedStorage === true) throw new DOMException('The operation is insecure.', 'SecurityError');
      return store;
    },
  };
  return { host, storage, replaced };
}

describe('readSessionToken', () => {
  it('takes the token from the meta, keeps it in sessionStorage and drops the query from the address bar', () => {
    const { host, storage, replaced } = page({ meta: TOKEN, url: `http://127.0.0.1:4000/?token=${TOKEN}#/settings?address=a-1` });
    expect(readSessionToken(host)).toBe(TOKEN);
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(replaced).toEqual(['/#/settings?address=a-1']);
  });

  it('after a reload of / (no meta) reads the token back from sessionStorage', () => {
    const storage = new Map<string, string>();
    readSessionToken(page({ meta: TOKEN, url: `http://127.0.0.1:4000/?launch=${'c'.repeat(64)}`, storage }).host);
    const reloaded = page({ url: 'http://127.0.0.1:4000/#/addresses', storage });
    expect(readSessionToken(reloaded.host)).toBe(TOKEN);
    expect(reloaded.replaced).toEqual([]);
  });

  it('a new meta (the printed link opened again after a restart) replaces a stale stored token', () => {
    const storage = new Map([[TOKEN_STORAGE_KEY, 'b2'.repeat(32)]]);
    expect(readSessionToken(page({ meta: TOKEN, storage }).host)).toBe(TOKEN);
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe(TOKEN);
  });

  it('is null without meta and stored token, and ignores a token that is not 64 hex characters', () => {
    expect(readSessionToken(page({}).host)).toBeNull();
    // The query alone is never read: only the bridge decides who gets the token.
    expect(readSessionToken(page({ url: `http://127.0.0.1:4000/?token=${TOKEN}` }).host)).toBeNull();
    expect(readSessionToken(page({ meta: '<script>' }).host)).toBeNull();
    expect(readSessionToken(page({ storage: new Map([[TOKEN_STORAGE_KEY, 'nope']]) }).host)).toBeNull();
  });

  it('still works for the current page where sessionStorage is blocked', () => {
    expect(readSessionToken(page({ meta: TOKEN, blockedStorage: true }).host)).toBe(TOKEN);
    expect(readSessionToken(page({ blockedStorage: true }).host)).toBeNull();
  });
});

describe('createHttpApi', () => {
  it('sends the token as a header on every call, never anything else', async () => {
    const seen: RequestInit[] = [];
    const api = createHttpApi({
      token: TOKEN,
      fetch: async (_url, init) => {
        seen.push(init ?? {});
        return new Response(JSON.stringify({ ok: true, value: {} }));
      },
    });
    await api.invoke('settings:get', {});
    expect((seen[0]?.headers as Record<string, string>)[TOKEN_HEADER]).toBe(TOKEN);
    expect(seen[0]?.credentials).toBeUndefined();
  });

  it('tells its listeners each time the event stream connects, the first time and after a drop', async () => {
    let connects = 0;
    const opened: number[] = [];
    const api = createHttpApi({
      token: TOKEN,
      fetch: async (url) => {
        if (!String(url).endsWith('/events')) return new Response(JSON.stringify({ ok: true, value: {} }));
        connects += 1;
        // The first stream drops at once; the second stays open.
        const first = connects === 1;
        return new Response(new ReadableStream<Uint8Array>({ start: (controller) => (first ? controller.close() : undefined) }));
      },
    });
    const stopOpen = api.onStreamOpen?.(() => opened.push(connects));
    const stop = api.onEvent(() => undefined);
    try {
      await vi.waitFor(() => expect(opened).toEqual([1, 2]), { timeout: 10_000 });
    } finally {
      stop();
      stopOpen?.();
    }
  });

  it('without a token tells the admin to open the link printed by serve', async () => {
    const result = await createHttpApi({ token: null, fetch: () => Promise.reject(new Error('no call expected')) }).invoke('settings:get', {});
    expect(result).toMatchObject({ ok: false, error: { hint: expect.stringContaining('Open the link printed by `relayproof serve`') as unknown } });
  });
});
