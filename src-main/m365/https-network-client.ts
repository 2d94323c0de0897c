/**
 * msal's `system.networkClient`: Node `https` with a bounded body, a deadline, an
 * explicit trust list and an origin allowlist. The allowlist is what keeps every request
 * msal makes (metadata, instance discovery, token) on the hosts Relayproof chose — the
 * Microsoft identity platform in the app, the loopback test endpoint in tests. Extra CA
 * certificates are added to the system roots (a company TLS-inspecting proxy's CA; the
 * test CA in tests); certificate verification is never turned off.
 */
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

export interface HttpsNetworkClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  readonly ca?: readonly string[];
  /** `https://host[:port]` origins msal may call; anything else is refused before connecting. */
  readonly allowedOrigins: readonly string[];
  /** Per request (default 15 s). */
  readonly timeoutMs?: number;
  /** Response body cap (default 1 MiB): a token response is a few KiB. */
  readonly maxBytes?: number;
}

export class NetworkRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkRefusal';
  }
}

/** msal replaces a network module's error with a bare "network_error": the client keeps the real reason. */
export interface HttpsNetworkClient extends INetworkModule {
  /** Why the last request failed (`certificate has expired`, `connect ECONNREFUSED ...`), or null. */
  lastFailure(): string | null;
}

export function createHttpsNetworkClient(options: HttpsNetworkClientOptions): HttpsNetworkClient {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin));
  const ca = options.ca !== undefined && options.ca.length > 0 ? [...rootCertificates, ...options.ca] : undefined;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  let lastFailure: string | null = null;

  const send = <T>(method: 'GET' | 'POST', url: string, init: NetworkRequestOptions | undefined, timeout?: number): Promise<NetworkResponse<T>> =>
    new Promise<NetworkResponse<T>>((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        reject(new NetworkRefusal(`Not a URL: ${url}`));
        return;
      }
      if (target.protocol !== 'https:' || !allowed.has(target.origin)) {
        reject(new NetworkRefusal(`Refused a request to ${target.origin}: Relayproof talks only to ${[...allowed].join(', ')}.`));
        return;
      }
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error);
        req.destroy();
      };
      const body = method === 'POST' ? Buffer.from(init?.body ?? '', 'utf8') : null;
      const headers: Record<string, string> = { ...(init?.headers ?? {}) };
      if (body !== null) headers['content-length'] = String(body.length);
      const req = request(target, { method, headers, ...(ca !== undefined ? { ca } : {}), timeout: timeout ?? timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new NetworkRefusal(`The identity platform's answer from ${target.origin} is larger than ${maxBytes} bytes.`));
          else chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
          }
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            fail(new NetworkRefusal(`${target.origin} answered HTTP ${res.statusCode ?? 0} with something that is not JSON.`));
            return;
          }
          settled = true;
          resolve({ headers: responseHeaders, body: parsed as T, status: res.statusCode ?? 0 });
        });
      });
      req.on('timeout', () => fail(new NetworkRefusal(`${target.origin} did not answer within ${timeout ?? timeoutMs} ms.`)));
      req.on('error', fail);
      if (body !== null) req.write(body);
      req.end();
    });

  const tracked = <T>(request: Promise<NetworkResponse<T>>) =>
    request.then(
      (response) => {
        lastFailure = null;
        return response;
      },
      (error: unknown) => {
        const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
        lastFailure = `${error instanceof Error ? error.message : String(error)}${code}`;
        throw error;
      },
    );

  return {
    sendGetRequestAsync: <T>(url: string, init?: NetworkRequestOptions, timeout?: number) => tracked(send<T>('GET', url, init, timeout)),
    sendPostRequestAsync: <T>(url: string, init?: NetworkRequestOptions) => tracked(send<T>('POST', url, init)),
    lastFailure: () => lastFailure,
  };
}
