/**
 * Deterministic generator of INVALID inputs for every contract channel, used by the
 * transport fuzz tests (IPC and the HTTP bridge). Each case starts from a known-valid
 * input and is mutated until the channel's own schema rejects it, both as the value and
 * after a JSON round trip (what the bridge delivers), so no case can be accidentally
 * valid. Seeded, with no dependencies: a failing case is reproducible from its index.
 */
import { contract, type ChannelInput, type ChannelName } from '../../src-preload/contract';
import { MAX_BODY_BYTES } from '../bridge/server';

export interface InvalidCase {
  readonly channel: ChannelName;
  readonly index: number;
  /** Mutations applied, for the failure message. */
  readonly mutations: readonly string[];
  readonly payload: unknown;
  /** `JSON.stringify(payload)`: the HTTP body. */
  readonly json: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = ReadonlyArray<string | number>;

const ADDRESS_FIELDS = {
  address: 'support@example.com',
  platform: 'zendesk',
  environment: 'production',
  provider: 'microsoft-365',
  host: 'smtp.office365.com',
  port: 587,
  security: 'starttls',
  username: 'support@example.com',
  authKind: 'app-password',
  selectors: ['selector1', 'selector2'],
} satisfies ChannelInput<'addresses:create'>['fields'];

/**
 * Valid inputs per channel, several where a channel has several shapes. Typed against
 * the contract so a new channel fails to compile here until it has a base.
 */
export const validInputs: { readonly [C in ChannelName]: readonly [ChannelInput<C>, ...Array<ChannelInput<C>>] } = {
  'app:get-info': [{}],
  'app:dismiss-notice': [{ id: 'notice-1' }],
  'app:cancel-operation': [{ operationId: 'op_12345678' }],
  'settings:get': [{}],
  'settings:update': [
    { patch: { theme: 'dark' } },
    { patch: { dnsServers: ['192.0.2.53', '[2001:db8::53]:53'], ehloName: 'relay.example.com', smtpTimeoutSeconds: 30, rotationReminderDays: 90 } },
    { patch: { ehloName: null, rotationReminderDays: null } },
  ],
  'addresses:list': [{}],
  'addresses:create': [{ fields: ADDRESS_FIELDS, secret: 'app-password-1' }, { fields: { ...ADDRESS_FIELDS, selectors: [] } }],
  'addresses:update': [
    { id: 'addr-1', patch: { host: 'smtp.example.com', port: 465, security: 'tls' } },
    { id: 'addr-1', patch: { address: 'billing@example.com', username: 'billing', selectors: ['zendesk1'], environment: 'sandbox' } },
  ],
  'addresses:delete': [{ id: 'addr-1' }],
  'vault:set-secret': [{ addressId: 'addr-1', secret: 'correct horse battery staple' }],
  'vault:has-secret': [{ addressId: 'addr-1' }],
  'vault:delete-secret': [{ addressId: 'addr-1' }],
  'platforms:list': [{}],
  'providers:list': [{}],
  'providers:detect': [{ domain: 'example.com' }, { domain: 'bücher.example', dnsServers: ['127.0.0.1:5300'] }],
  'addresses:check-new': [
    { address: 'support@example.com', platform: 'zendesk', environment: 'production' },
    { address: 'not an address', platform: 'generic', environment: 'sandbox', excludeId: 'addr-1' },
  ],
  'addresses:complete-setup': [{ id: 'addr-1' }, { id: 'addr-1', proceedReason: 'The relay is blocked from this office; tested from the server.' }],
  'addresses:rotate-secret': [{ operationId: 'op_12345678', id: 'addr-1', secret: 'new-app-password-2' }],
  'addresses:events': [{}, { addressId: 'addr-1' }],
  'addresses:export': [{}, { ids: ['addr-1', 'addr-2'] }],
  'addresses:import': [{ document: { format: 'relayproof-addresses', version: 1, exportedAt: '2026-11-23T12:00:00.000Z', addresses: [ADDRESS_FIELDS] } }],
  'wizard:get-draft': [{}],
  'wizard:save-draft': [
    {
      draft: {
        step: 'address',
        platform: 'zendesk',
        environment: 'production',
        address: 'support@example.com',
        platformSubdomain: 'example',
        provider: null,
        host: '',
        port: null,
        security: null,
        username: '',
        authKind: null,
        addressId: null,
        testPassed: false,
        proceedReason: '',
        updatedAt: '2026-11-23T12:00:00.000Z',
      },
    },
  ],
  'wizard:discard-draft': [{}],
  'vault:copy-secret-to-clipboard': [{ addressId: 'addr-1' }],
  'smtp:test-connection': [
    { operationId: 'op_smtp_test_1', host: 'smtp.example.com', port: 587, security: 'starttls', from: 'support@example.com', addressId: 'addr-1', credentials: { kind: 'password', username: 'support@example.com' } },
    { operationId: 'op_smtp_test_2', host: 'smtp.example.com', port: 465, security: 'tls', secret: 'draft-secret', credentials: { kind: 'app-password', username: 'support@example.com' }, timeouts: { deadlineMs: 5000 } },
  ],
  'smtp:send-test-message': [
    { operationId: 'op_smtp_send_1', host: 'smtp.example.com', port: 587, security: 'starttls', from: 'support@example.com', to: 'admin@example.com', addressId: 'addr-1', credentials: { kind: 'password', username: 'support@example.com' } },
  ],
  'smtp:probe': [{ operationId: 'op_probe_0001', host: 'smtp.example.com' }, { operationId: 'op_probe_0002', host: 'smtp.example.com', ports: [587, 465], concurrency: 2 }],
  'analyze:explain': [{ text: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.' }],
  'analyze:read-dkim-signatures': [{ headers: 'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=selector1; b=abc', domain: 'example.com' }],
  'analyze:read-bounce': [{ raw: Buffer.from('From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail\r\n\r\nx\r\n').toString('base64') }],
  'checks:run-checklist': [
    { operationId: 'op_checklist_1', domain: 'example.com' },
    { operationId: 'op_checklist_2', domain: 'example.com', platform: 'zendesk', selectors: ['zendesk1'], sendingIp: '192.0.2.10', dnsServers: ['127.0.0.1:5301'], only: ['spf', 'dkim'] },
  ],
  'checks:check-propagation': [{ name: '_dmarc.example.com', type: 'TXT', expected: 'v=DMARC1; p=none', dnsServers: ['127.0.0.1:5301'] }],
  'checks:check-address-blocklists': [{ addressId: 'addr-1' }],
  'm365:get-checklist': [
    { upn: 'support@contoso.com' },
    {
      upn: 'support@contoso.com',
      from: 'billing@contoso.com',
      authMode: 'basic',
      today: '2026-11-23',
      marks: [{ id: 'tenant-smtp-auth', state: 'ok', note: 'checked' }],
      pastedError: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox',
    },
  ],
  'm365:generate-script': [
    { script: 'check', upn: 'support@contoso.com' },
    { script: 'enable-mailboxes', upns: ['support@contoso.com', 'billing@contoso.com'] },
    { script: 'grant-send-as', upn: 'support@contoso.com', from: 'billing@contoso.com', right: 'send-as' },
    { script: 'oauth-setup', upn: 'support@contoso.com', appId: '11111111-2222-3333-4444-555555555555', objectId: '66666666-7777-8888-9999-000000000000' },
  ],
  'm365:get-facts': [{}],
  'm365:explain-token': [{ token: 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.', expectedTenant: '11111111-2222-3333-4444-555555555555', now: '2026-11-23T12:00:00Z' }],
  'm365:set-client-secret': [{ addressId: 'addr-1', secret: 'q~8Q~client-secret-value' }],
  'm365:set-client-certificate': [
    { addressId: 'addr-1', thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n' },
    {
      addressId: 'addr-1',
      thumbprint: 'a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c:6d:7e:8f:90:12:34:56:78:a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c',
      privateKeyPem: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
    },
  ],
  'm365:get-oauth-state': [{ addressId: 'addr-1' }],
  'm365:acquire-app-token': [
    { addressId: 'addr-1', tenantId: '11111111-2222-4333-8444-555555555555', clientId: 'aaaaaaaa-0000-4000-8000-000000000001' },
    { addressId: 'addr-1', tenantId: 'contoso.onmicrosoft.com', clientId: 'aaaaaaaa-0000-4000-8000-000000000001', clientSecret: 'q~8Q~one-off-secret' },
  ],
  'm365:acquire-delegated-token': [{ operationId: 'op_12345678', addressId: 'addr-1', tenantId: 'organizations', clientId: 'aaaaaaaa-0000-4000-8000-000000000001', timeoutSeconds: 60 }],
  'm365:forget-token': [{ addressId: 'addr-1' }],
  'verification:status': [{}, { addressId: 'addr-1' }],
  'reports:read-mailbox': [{ addressId: 'addr-1' }, { addressId: 'addr-1', folder: 'DMARC', reverseNames: true }],
  'reports:get': [{ addressId: 'addr-1' }],
  'verification:recheck': [{ operationId: 'op_12345678', addressId: 'addr-1' }],
  'verification:recheck-all': [{ operationId: 'op_12345678' }, { operationId: 'op_12345678', addressIds: ['addr-1'], platform: 'zendesk', perHost: 1, concurrency: 1 }],
  'checks:run-for-address': [{ operationId: 'op_12345678', addressId: 'addr-1' }, { operationId: 'op_12345679', addressId: 'addr-1', from: 'wizard' }],
  'verification:send-email': [{ operationId: 'op_12345678', addressId: 'addr-1' }, { operationId: 'op_12345678', addressId: 'addr-1', recipient: 'inbox@example.com', waitSeconds: 60 }],
  'verification:verify-eml': [{ raw: Buffer.from('From: a@example.com\r\n\r\nhi\r\n').toString('base64') }, { addressId: 'addr-1', raw: 'RnJvbTogYUBleGFtcGxlLmNvbQ0KDQpoaQ0K' }],
  'verification:history': [{ addressId: 'addr-1' }, { addressId: 'addr-1', limit: 10 }],
  'verification:reset': [{ addressId: 'addr-1' }, { addressId: 'addr-1', itemIds: ['dns:spf', 'dns:dkim:relay1'] }],
  'verification:report': [{ format: 'html' }, { addressId: 'addr-1', format: 'json' }],
  'verification:set-mailbox': [
    { addressId: 'addr-1', mailbox: { host: 'imap.example.com', port: 993, security: 'tls', username: 'inbox@example.com' }, secret: 'imap-password-1' },
    { addressId: 'addr-1', mailbox: null },
  ],
  'verification:set-forwarding-mailbox': [
    { addressId: 'addr-1', mailbox: { host: 'imap.example.com', port: 993, security: 'tls', username: 'desk@example.com' }, secret: 'imap-password-2' },
    { addressId: 'addr-1', mailbox: null },
  ],
  'ses-identities:list': [{}],
  'ses-identities:check-new': [
    { fields: { kind: 'domain', value: 'example.com', environment: 'production', eligibilityConfirmed: true } },
    { fields: { kind: 'email', value: 'billing@example.com', environment: 'central-sandbox', dkimTokens: [], eligibilityConfirmed: false }, excludeId: 'ident-1' },
  ],
  'ses-identities:create': [
    { fields: { kind: 'domain', value: 'example.com', environment: 'developer-sandbox', dkimTokens: ['abcdefgh12345678', 'ijklmnop12345678', 'qrstuvwx12345678'], eligibilityConfirmed: true } },
  ],
  'ses-identities:update': [{ id: 'ident-1', patch: { environment: 'sandbox' } }, { id: 'ident-1', patch: { dkimTokens: [], eligibilityConfirmed: true } }],
  'ses-identities:delete': [{ id: 'ident-1' }],
  'ses-identities:record-verification': [{ id: 'ident-1', state: 'success' }, { id: 'ident-1', state: 'pending', linkSentAt: '2026-12-06T12:00:00.000Z' }],
  'ses-identities:check-dns': [{ id: 'ident-1' }, { id: 'ident-1', dnsServers: ['127.0.0.1:5300'] }],
};

/** mulberry32: tiny, fast, good enough to spread cases; same seed, same cases. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

function hashText(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------------------
// JSON tree helpers

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodes(root: Json): Array<{ path: Path; value: Json }> {
  const out: Array<{ path: Path; value: Json }> = [];
  const walk = (value: Json, path: Path, depth: number) => {
    out.push({ path, value });
    if (depth > 8) return;
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i], depth + 1));
    else if (isObject(value)) for (const key of Object.keys(value)) walk(value[key] as Json, [...path, key], depth + 1);
  };
  walk(root, [], 0);
  return out;
}

/** Own, enumerable, JSON-visible key even for `__proto__` (plain assignment would set the prototype). */
function defineKey(target: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function replaceAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  let parent: Json = root;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[step] as Json;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) parent[last as number] = value;
  else defineKey(parent as { [key: string]: Json }, String(last), value);
  return root;
}

function deleteAt(root: Json, path: Path): Json {
  let parent: Json = root;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[step] as Json;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as Record<string, Json>)[String(last)];
  return root;
}

function deepNest(depth: number, kind: 'array' | 'object'): Json {
  let value: Json = 'x';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

// ---------------------------------------------------------------------------
// Mutations: each tends to make a valid input invalid; the schema check decides.

const WRONG_TYPES: readonly Json[] = [null, true, false, 0, -1, 3.5, 1e308, -1e308, 2 ** 53 + 2, '', 'x', '0', 'true', [], [1], {}, { a: 1 }];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isAdmin'];
const BAD_NUMBERS: readonly Json[] = [0, -1, 4, 65536, 731, 301, 1e9, -0.5, 1.5, 1e308, -1e308, 2 ** 53 + 2, Number.MIN_VALUE];
const CONTROL = ['\r', '\n', '\r\n', '\u0000'];
/** Characters that hide or reorder text: the random mutations use them too. */
const HIDDEN = ['\u202E', '\u2066', '\u200B', '\uFEFF', '\u0085', '\u001b', '\u2028'];

type Mutation = (root: Json, rng: Random) => Json;

function pickNode(root: Json, rng: Random, filter: (value: Json) => boolean): { path: Path; value: Json } | undefined {
  const candidates = nodes(root).filter((n) => filter(n.value));
  return candidates.length === 0 ? undefined : rng.pick(candidates);
}

function pollutionValue(rng: Random): Json {
  return rng.pick<Json>([{ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, { constructor: { prototype: { polluted: 'yes' } } }, 'polluted', 1, null, []]);
}

const MUTATIONS: Readonly<Record<string, Mutation>> = {
  'wrong-type'(root, rng) {
    const node = rng.pick(nodes(root));
    const kind = typeOf(node.value);
    return replaceAt(root, node.path, clone(rng.pick(WRONG_TYPES.filter((v) => typeOf(v) !== kind))));
  },
  'missing-key'(root, rng) {
    const node = pickNode(root, rng, (v) => isObject(v) && Object.keys(v).length > 0);
    if (node === undefined) return MUTATIONS['extra-key']?.(root, rng) ?? root;
    return deleteAt(root, [...node.path, rng.pick(Object.keys(node.value as object))]);
  },
  'extra-key'(root, rng) {
    const node = pickNode(root, rng, isObject);
    const target = (node?.value ?? root) as { [key: string]: Json };
    if (!isObject(target)) return [root, 'extra'];
    const key = rng.pick([...PROTO_KEYS, 'x'.repeat(10_000), 'a\r\nb', 'nul\u0000key', `k${rng.int(0, 9999)}`]);
    defineKey(target, key, pollutionValue(rng));
    return root;
  },
  'prototype-keys'(root) {
    const target: { [key: string]: Json } = isObject(root) ? root : {};
    defineKey(target, '__proto__', { polluted: 'yes' });
    defineKey(target, 'constructor', { prototype: { polluted: 'yes' } });
    defineKey(target, 'prototype', { polluted: 'yes' });
    return target;
  },
  'array-for-object'(root, rng) {
    const node = pickNode(root, rng, isObject);
    if (node === undefined) return [root];
    const value = node.value as { [key: string]: Json };
    return replaceAt(root, node.path, rng.pick<Json>([[], Object.values(value), [clone(value)], Object.entries(value)]));
  },
  'control-char'(root, rng) {
    const node = pickNode(root, rng, (v) => typeof v === 'string');
    if (node === undefined) return MUTATIONS['extra-key']?.(root, rng) ?? root;
    const text = node.value as string;
    const at = rng.int(0, text.length);
    return replaceAt(root, node.path, `${text.slice(0, at)}${rng.pick([...CONTROL, ...HIDDEN])}${text.slice(at)}`);
  },
  'long-string'(root, rng) {
    const node = pickNode(root, rng, (v) => typeof v !== 'object' || v === null) ?? { path: [], value: root };
    return replaceAt(root, node.path, rng.pick(['a', 'é', '1', '-']).repeat(rng.int(10_000, 12_000)));
  },
  'out-of-range'(root, rng) {
    const node = pickNode(root, rng, (v) => typeof v === 'number') ?? pickNode(root, rng, (v) => typeof v !== 'object' || v === null);
    if (node === undefined) return MUTATIONS['wrong-type']?.(root, rng) ?? root;
    return replaceAt(root, node.path, rng.pick(BAD_NUMBERS));
  },
  'deep-nesting'(root, rng) {
    const node = rng.pick(nodes(root));
    return replaceAt(root, node.path, deepNest(rng.next() < 0.8 ? rng.int(50, 900) : rng.int(2_000, 3_000), rng.next() < 0.5 ? 'array' : 'object'));
  },
  'wrong-root'(root, rng) {
    return rng.pick<Json>([[root], JSON.stringify(root), null, 0, true, 'input', [], Object.entries(isObject(root) ? root : {})]);
  },
  'string-shape'(root, rng) {
    const node = pickNode(root, rng, (v) => typeof v === 'string');
    if (node === undefined) return MUTATIONS['extra-key']?.(root, rng) ?? root;
    const text = node.value as string;
    return replaceAt(
      root,
      node.path,
      rng.pick([
        '',
        text.toUpperCase(),
        ` ${text}`,
        `${text} `,
        `${text}\t`,
        `${text}\u007f`,
        `${text}<script>`,
        `${text}@@`,
        text.replace(/[a-z]/u, 'Ａ'),
        `${text}.${'b'.repeat(260)}`,
      ]),
    );
  },
  'array-overflow'(root, rng) {
    const node = pickNode(root, rng, Array.isArray);
    if (node === undefined) return MUTATIONS['wrong-type']?.(root, rng) ?? root;
    const items = node.value as Json[];
    // Only scalars are repeated: copying a deeply nested item 200 times tests nothing new.
    const first = items[0];
    const item: Json = first === undefined || (typeof first === 'object' && first !== null) ? 'x' : first;
    return replaceAt(root, node.path, rng.next() < 0.5 ? Array.from({ length: rng.int(17, 200) }, () => clone(item)) : [...items, rng.pick(WRONG_TYPES)]);
  },
};

function typeOf(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

// ---------------------------------------------------------------------------

export interface GenerateOptions {
  /** At least this many cases per channel. */
  readonly count: number;
  readonly seed: number;
  /** Cases with one string over 1 MB (still within the bridge's body cap). */
  readonly giant?: number;
}

/** Whether the channel's schema accepts `payload` directly or after a JSON round trip. */
export function isAcceptedByContract(channel: ChannelName, payload: unknown, json: string): boolean {
  const schema = contract[channel].input;
  return schema.safeParse(payload).success || schema.safeParse(JSON.parse(json)).success;
}

export function generateInvalidInputs(channel: ChannelName, options: GenerateOptions): { cases: InvalidCase[]; discardedValid: number } {
  const rng = createRandom(options.seed ^ hashText(channel));
  const bases = validInputs[channel] as readonly Json[];
  const cases: InvalidCase[] = [];
  let discardedValid = 0;

  const accept = (payload: Json, mutations: readonly string[]): boolean => {
    let json: string;
    try {
      json = JSON.stringify(payload);
    } catch {
      return false;
    }
    if (Buffer.byteLength(json, 'utf8') > MAX_BODY_BYTES) return false;
    if (isAcceptedByContract(channel, payload, json)) {
      discardedValid++;
      return false;
    }
    cases.push({ channel, index: cases.length, mutations, payload, json });
    return true;
  };

  // 1. CR, LF, CRLF and NUL at the start, middle and end of every string field of every base.
  for (const base of bases) {
    for (const node of nodes(base).filter((n) => typeof n.value === 'string')) {
      const text = node.value as string;
      for (const control of CONTROL) {
        for (const at of [0, Math.floor(text.length / 2), text.length]) {
          accept(replaceAt(clone(base), node.path, `${text.slice(0, at)}${control}${text.slice(at)}`), [`control-char@${node.path.join('.')}`]);
        }
      }
    }
  }

  // 2. Strings over 1 MB: in a real field where there is one, else under an extra key.
  for (let i = 0; i < (options.giant ?? 0); i++) {
    const base = clone(rng.pick(bases));
    const giant = 'g'.repeat(1_000_001 + rng.int(0, 40_000));
    const field = pickNode(base, rng, (v) => typeof v === 'string');
    const payload = field === undefined ? replaceAt(base, ['padding'], giant) : replaceAt(base, field.path, giant);
    accept(payload, ['giant-string']);
  }

  // 3. Random stacks of one to three mutations.
  const names = Object.keys(MUTATIONS);
  while (cases.length < options.count) {
    let payload = clone(rng.pick(bases));
    const applied: string[] = [];
    const steps = rng.int(1, 3);
    for (let s = 0; s < steps; s++) {
      const name = rng.pick(names);
      const mutate = MUTATIONS[name];
      if (mutate === undefined) continue;
      payload = mutate(payload, rng);
      applied.push(name);
    }
    accept(payload, applied);
  }
  return { cases, discardedValid };
}

// ---------------------------------------------------------------------------
// Identifier fields of every channel, for the hidden-character tests (the
// characters themselves are in src-preload/contract/testing/hidden-payloads.ts).

/** Where the identifier tests point the engines: loopback peers that record every touch. */
export interface IdentifierEnvironment {
  /** A saved address whose secret is in the (recording) keychain. */
  readonly addressId: string;
  /** A host name the recording DNS server answers with 127.0.0.1. */
  readonly smtpHost: string;
  /** Port of a recording SMTP listener on 127.0.0.1. */
  readonly smtpPort: number;
  /** `127.0.0.1:PORT` of the recording DNS server. */
  readonly dnsServer: string;
}

export interface IdentifierField {
  readonly channel: ChannelName;
  /** A valid input that, accepted, would reach the network, the keychain or the settings file. */
  readonly base: unknown;
  readonly path: Path;
  /** `free-text` fields (a reason, a note) still refuse controls, line breaks and bidi controls. */
  readonly rule: 'identifier' | 'free-text';
  /**
   * The refusal names the character as `U+XXXX` and its position (the shared field rule).
   * False for the Microsoft 365 values, refused by their own stricter ASCII-only rule.
   */
  readonly named: boolean;
}

const IMAP_MAILBOX = { host: 'imap.example.test', port: 993, security: 'tls', username: 'inbox@example.test', mailboxes: ['INBOX', 'Junk'] };
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-0000-4000-8000-000000000001';

/**
 * Every identifier field of every channel that carries one, each with a valid base input
 * pointed at the recording peers. (Not here: `wizard:save-draft`, which keeps what the
 * admin typed, valid or not, and touches nothing else; `addresses:check-new`, which
 * reports a bad address instead of refusing it; pasted error text and tokens, which are
 * not identifiers.)
 */
export function identifierFields(env: IdentifierEnvironment): IdentifierField[] {
  const fields: IdentifierField[] = [];
  const add = (channel: ChannelName, base: unknown, paths: readonly (readonly (string | number)[])[], rule: IdentifierField['rule'] = 'identifier', named = true) => {
    for (const path of paths) fields.push({ channel, base, path, rule, named });
  };
  const smtp = {
    operationId: 'op_hidden_smtp_1',
    host: env.smtpHost,
    port: env.smtpPort,
    security: 'starttls',
    from: 'support@example.test',
    to: 'admin@example.test',
    ehloName: 'relay.example.test',
    pinSha256: 'AB'.repeat(32),
    dnsServers: [env.dnsServer],
    addressId: env.addressId,
    credentials: { kind: 'password', username: 'support@example.test' },
    timeouts: { deadlineMs: 3000 },
  };
  const smtpPaths = [['host'], ['from'], ['to'], ['ehloName'], ['pinSha256'], ['dnsServers', 0], ['credentials', 'username']];
  add('smtp:test-connection', smtp, smtpPaths);
  add('smtp:send-test-message', { ...smtp, operationId: 'op_hidden_smtp_2' }, smtpPaths);
  // Internal ids: refused by their own pattern (lowercase letters, digits, hyphens).
  add('smtp:test-connection', smtp, [['addressId']], 'identifier', false);
  add('smtp:probe', { operationId: 'op_hidden_probe', host: env.smtpHost, ports: [env.smtpPort], ehloName: 'relay.example.test', dnsServers: [env.dnsServer] }, [['host'], ['ehloName'], ['dnsServers', 0]]);
  add(
    'checks:run-checklist',
    {
      operationId: 'op_hidden_checks',
      domain: 'example.test',
      selectors: ['relay1'],
      smtpHost: env.smtpHost,
      sender: 'bounce@example.test',
      heloName: 'relay.example.test',
      forwardingAddress: 'support@desk.example.test',
      dnsServers: [env.dnsServer],
    },
    [['domain'], ['selectors', 0], ['smtpHost'], ['sender'], ['heloName'], ['forwardingAddress'], ['dnsServers', 0]],
  );
  add('checks:run-checklist', { operationId: 'op_hidden_checks_2', domain: 'example.test', relaySelectors: ['relay1'], relayInclude: 'spf.example.test', dnsServers: [env.dnsServer] }, [['relaySelectors', 0], ['relayInclude']]);
  add('checks:check-propagation', { name: '_dmarc.example.test', type: 'TXT', dnsServers: [env.dnsServer] }, [['name'], ['dnsServers', 0]]);
  add('providers:detect', { domain: 'example.test', dnsServers: [env.dnsServer] }, [['domain'], ['dnsServers', 0]]);
  add('analyze:read-dkim-signatures', { headers: 'DKIM-Signature: d=example.test; s=relay1; b=abc', domain: 'example.test' }, [['domain']]);
  const addressFields = {
    address: 'billing@example.test',
    platform: 'zendesk',
    environment: 'production',
    provider: 'microsoft-365',
    host: 'smtp.example.test',
    port: 587,
    security: 'starttls',
    username: 'billing@example.test',
    authKind: 'password',
    selectors: ['zendesk1'],
    platformSubdomain: 'example',
    mailbox: IMAP_MAILBOX,
    forwardingMailbox: { ...IMAP_MAILBOX, username: 'desk@example.test' },
  };
  const addressPaths = [
    ['address'],
    ['host'],
    ['username'],
    ['selectors', 0],
    ['platformSubdomain'],
    ['mailbox', 'host'],
    ['mailbox', 'username'],
    ['mailbox', 'mailboxes', 0],
    ['forwardingMailbox', 'host'],
    ['forwardingMailbox', 'username'],
    ['forwardingMailbox', 'mailboxes', 1],
  ];
  add('addresses:create', { fields: addressFields, secret: 'new-app-password-1' }, addressPaths.map((p) => ['fields', ...p]));
  add('addresses:update', { id: env.addressId, patch: addressFields }, addressPaths.map((p) => ['patch', ...p]));
  add('addresses:create', { fields: addressFields, secret: 'new-app-password-1' }, [['fields', 'provider']], 'identifier', false);
  add('addresses:delete', { id: env.addressId }, [['id']], 'identifier', false);
  add('addresses:complete-setup', { id: env.addressId, proceedReason: 'The relay is blocked from this office.' }, [['proceedReason']], 'free-text');
  add('vault:set-secret', { addressId: env.addressId, secret: 'replacement-secret' }, [['addressId']], 'identifier', false);
  add(
    'settings:update',
    { patch: { ehloName: 'relay.example.test', dnsServers: [env.dnsServer], pinnedCertificates: [{ host: 'smtp.example.test', sha256: 'AB'.repeat(32), pinnedAt: '2026-11-23T12:00:00.000Z' }] } },
    [['patch', 'ehloName'], ['patch', 'dnsServers', 0], ['patch', 'pinnedCertificates', 0, 'host']],
  );
  add('verification:send-email', { operationId: 'op_hidden_send', addressId: env.addressId, recipient: 'inbox@example.test' }, [['recipient']]);
  add('verification:send-email', { operationId: 'op_hidden_send', addressId: env.addressId, recipient: 'inbox@example.test' }, [['addressId']], 'identifier', false);
  for (const channel of ['verification:set-mailbox', 'verification:set-forwarding-mailbox'] as const) {
    add(channel, { addressId: env.addressId, mailbox: IMAP_MAILBOX, secret: 'imap-password-1' }, [['mailbox', 'host'], ['mailbox', 'username'], ['mailbox', 'mailboxes', 0]]);
  }
  add('m365:get-checklist', { upn: 'support@contoso.com', from: 'billing@contoso.com', marks: [{ id: 'tenant-smtp-auth', state: 'ok', note: 'checked in the admin centre' }] }, [['marks', 0, 'note']], 'free-text');
  add('m365:get-checklist', { upn: 'support@contoso.com', from: 'billing@contoso.com' }, [['upn'], ['from']], 'identifier', false);
  add('m365:generate-script', { script: 'grant-send-as', upn: 'support@contoso.com', from: 'billing@contoso.com' }, [['upn'], ['from']], 'identifier', false);
  add('m365:generate-script', { script: 'enable-mailboxes', upns: ['support@contoso.com', 'billing@contoso.com'] }, [['upns', 1]], 'identifier', false);
  add('m365:generate-script', { script: 'oauth-setup', upn: 'support@contoso.com', appId: CLIENT, objectId: '66666666-7777-4888-9999-000000000000' }, [['appId'], ['objectId']], 'identifier', false);
  add('m365:acquire-app-token', { addressId: env.addressId, tenantId: TENANT, clientId: CLIENT }, [['tenantId'], ['clientId']], 'identifier', false);
  add('m365:acquire-delegated-token', { operationId: 'op_hidden_device', addressId: env.addressId, tenantId: TENANT, clientId: CLIENT, timeoutSeconds: 60 }, [['tenantId'], ['clientId']], 'identifier', false);
  add('m365:explain-token', { token: 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.', expectedTenant: TENANT }, [['expectedTenant']], 'identifier', false);
  add('m365:set-client-certificate', { addressId: env.addressId, thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n' }, [['thumbprint']]);
  return fields;
}

/** The value at `path` in `root` (a string for every identifier field above). */
export function valueAt(root: unknown, path: Path): unknown {
  let value: unknown = root;
  for (const step of path) value = (value as Record<string | number, unknown> | undefined)?.[step];
  return value;
}

/** A deep copy of `root` with `value` at `path`. */
export function withValueAt(root: unknown, path: Path, value: string): unknown {
  return replaceAt(clone(root as Json), path, value);
}
