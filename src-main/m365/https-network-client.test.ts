import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { createHttpsNetworkClient } from './https-network-client';

let pki: TestPki;
let server: Server;
let origin: string;
let hits = 0;

beforeAll(async () => {
  pki = createTestPki();
  server = createServer({ key: pki.leaf.key, cert: pki.leaf.cert }, (req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json', 'X-Test': 'yes' });
    res.end(req.url === '/big' ? JSON.stringify({ pad: 'x'.repeat(4096) }) : req.url === '/text' ? 'not json' : JSON.stringify({ method: req.method }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  pki.cleanup();
});

describe('the https client msal uses', () => {
  it('answers with parsed JSON, lower-case headers and the status', async () => {
    const client = createHttpsNetworkClient({ ca: [pki.ca], allowedOrigins: [origin] });
    const response = await client.sendPostRequestAsync<{ method: string }>(`${origin}/token`, { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response).toMatchObject({ status: 200, body: { method: 'POST' }, headers: { 'x-test': 'yes' } });
    expect(client.lastFailure()).toBeNull();
  });

  it('refuses any other origin, and plain http, before connecting', async () => {
    const client = createHttpsNetworkClient({ ca: [pki.ca], allowedOrigins: [origin] });
    const before = hits;
    await expect(client.sendGetRequestAsync('https://login.microsoftonline.com/common/discovery/instance')).rejects.toThrow(/Refused a request to https:\/\/login\.microsoftonline\.com/u);
    await expect(client.sendGetRequestAsync(origin.replace('https:', 'http:'))).rejects.toThrow(/Refused/u);
    expect(hits).toBe(before);
    expect(client.lastFailure()).toMatch(/Refused a request/u);
  });

  it('verifies the certificate: without the test CA the request fails and says why', async () => {
    const client = createHttpsNetworkClient({ allowedOrigins: [origin] });
    await expect(client.sendGetRequestAsync(`${origin}/`)).rejects.toThrow();
    expect(client.lastFailure()).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|self-signed|certificate/u);
  });

  it('caps the body and refuses an answer that is not JSON', async () => {
    const client = createHttpsNetworkClient({ ca: [pki.ca], allowedOrigins: [origin], maxBytes: 1024 });
    await expect(client.sendGetRequestAsync(`${origin}/big`)).rejects.toThrow(/larger than 1024 bytes/u);
    await expect(client.sendGetRequestAsync(`${origin}/text`)).rejects.toThrow(/not JSON/u);
  });
});
