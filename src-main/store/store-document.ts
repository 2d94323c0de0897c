/**
 * The settings document: its zod schema (the single source of its type), the migration
 * list, and salvage of a document that does not validate. Pure functions; reading and
 * writing the file is document-file.ts, the notices of a damaged one store-recovery.ts.
 */
import { z } from 'zod';
import { checkMigrations as checkDocumentMigrations, runMigrations as runDocumentMigrations, type Migration, type MigrationOutcome } from './document-file';
import { MAX_LIFECYCLE_EVENTS, addressSchema, lifecycleEventSchema, wizardDraftSchema } from '../../src-preload/contract/addresses-schemas';
import { settingsSchema, storeNoticeSchema } from '../../src-preload/contract/app';
import { sesIdentitySchema } from '../../src-preload/contract/ses-identities';

export type { Migration, MigrationOutcome } from './document-file';

export const CURRENT_SCHEMA_VERSION = 3;

/** The settings document is `<data folder>/config.json`. */
export const CONFIG_NAME = 'config';

/**
 * config.json is never read when larger: 1,000 addresses with as many lifecycle events
 * (the bound) measured 0.9 MB, so 32 MiB leaves room for 30x that while a hostile or broken
 * file (600 MB once crashed every command) is moved aside without being read.
 */
export const SETTINGS_MAX_BYTES = 32 * 1024 * 1024;

/** The newest notices are kept; a file that keeps breaking must not grow without bound. */
export const MAX_NOTICES = 20;

/**
 * One Zendesk account allows up to 200 support addresses, and the store holds addresses of
 * several platforms and accounts; 5,000 leaves room for 25 full accounts while keeping a
 * hostile file's validation (an issue per bad row) small.
 */
export const MAX_ADDRESSES = 5000;

/**
 * Zuora allows one domain and three email identities per tenant; with four environments and
 * several tenants, 200 is far above any real list while keeping a hostile file small.
 */
export const MAX_SES_IDENTITIES = 200;

/** Salvage names at most this many dropped items, then says how many more there were. */
export const MAX_DROPPED_LISTED = 50;

export const storeDocumentSchema = z.strictObject({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  settings: settingsSchema.prefault({}),
  // zod checks an array's .max() before its items, so a list of a million `{}` gets one
  // issue instead of several per row.
  addresses: z
    .array(addressSchema)
    .max(MAX_ADDRESSES, `More than ${MAX_ADDRESSES} addresses; Relayproof keeps at most ${MAX_ADDRESSES}.`)
    .default([])
    .superRefine((addresses, ctx) => {
      // The id is the keychain account: two rows with one id would share one secret.
      const seen = new Set<string>();
      addresses.forEach((a, index) => {
        if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `Duplicate address id ${a.id}.` });
        seen.add(a.id);
      });
    }),
  notices: z.array(storeNoticeSchema).max(MAX_NOTICES).default([]),
  /** The connect wizard in progress (never a secret). */
  wizardDraft: wizardDraftSchema.nullable().default(null),
  /** Lifecycle of addresses (connected, rotated, disconnected...), newest last, bounded. */
  events: z.array(lifecycleEventSchema).max(MAX_LIFECYCLE_EVENTS).default([]),
  /** Zuora advanced SMTP (Amazon SES) identities: their own record kind, never a secret. */
  sesIdentities: z
    .array(sesIdentitySchema)
    .max(MAX_SES_IDENTITIES, `More than ${MAX_SES_IDENTITIES} SES identities; Relayproof keeps at most ${MAX_SES_IDENTITIES}.`)
    .default([])
    .superRefine((identities, ctx) => {
      const seen = new Set<string>();
      identities.forEach((i, index) => {
        if (seen.has(i.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `Duplicate SES identity id ${i.id}.` });
        seen.add(i.id);
      });
    }),
});
export type StoreDocument = z.output<typeof storeDocumentSchema>;

export function defaultDocument(): StoreDocument {
  return storeDocumentSchema.parse({ schemaVersion: CURRENT_SCHEMA_VERSION });
}

// ---------------------------------------------------------------------------
// Migrations

/**
 * The product's migrations. Version 1 is the first released format, and a file without
 * `schemaVersion` is invalid content, not version 0.
 * 1 → 2: addresses gain setup / proceedReason / lastTest / platformSubdomain /
 * rotationReminderDays / mailbox, the document gains wizardDraft and events. Every new
 * key has a default, so the step only has to say what an existing address is: complete.
 * 2 → 3: the document gains `sesIdentities` (Zuora advanced SMTP identities), empty. A
 * zuora-ses address saved before (with SMTP fields) stays as it was and still loads; it can
 * no longer be created, and `address list` points it to the identities.
 */
export const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    from: 1,
    to: 2,
    migrate: (document) => ({
      ...document,
      addresses: Array.isArray(document.addresses)
        ? document.addresses.map((a: unknown) => (typeof a === 'object' && a !== null && !Array.isArray(a) ? { setup: 'complete', ...a } : a))
        : document.addresses,
    }),
  },
  { from: 2, to: 3, migrate: (document) => ({ ...document, sesIdentities: [] }) },
];

/** A wrong migration list is a programmer error: throw at startup, before touching the file. */
export function checkMigrations(migrations: ReadonlyArray<Migration>, target: number = CURRENT_SCHEMA_VERSION): void {
  checkDocumentMigrations(migrations, target);
}

/** Apply from → from+1 → ... → target, in order. `applied` lists the `to` of each step. */
export function runMigrations(
  document: Readonly<Record<string, unknown>>,
  from: number,
  migrations: ReadonlyArray<Migration>,
  target: number = CURRENT_SCHEMA_VERSION,
): MigrationOutcome {
  return runDocumentMigrations(document, from, migrations, target, 'settings');
}

// ---------------------------------------------------------------------------
// Salvage

export interface Salvage {
  readonly document: StoreDocument;
  /** What was left out, each in the admin's words ("address 2 (support@example.com): port ..."). */
  readonly dropped: readonly string[];
  /** How many items were left out; `dropped` names only the first MAX_DROPPED_LISTED. */
  readonly droppedCount: number;
  readonly keptAddresses: number;
  readonly totalAddresses: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not valid';
  const where = issue.path.map(String).join('.');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

const TOP_LEVEL_KEYS = new Set(['schemaVersion', 'settings', 'addresses', 'notices', 'wizardDraft', 'events', 'sesIdentities']);

/**
 * Keep every settings key and every address row that validates on its own; report the
 * rest. Used for invalid content and for files of a newer format (rows that still match
 * this version's strict schema mean the same thing).
 */
export function salvageDocument(raw: unknown): Salvage {
  const dropped: string[] = [];
  let droppedCount = 0;
  // Counted in full, listed only up to MAX_DROPPED_LISTED: a hostile file could name millions.
  const drop = (what: string): void => {
    if (++droppedCount <= MAX_DROPPED_LISTED) dropped.push(what);
  };
  if (!isRecord(raw)) {
    drop(`the whole content (it is ${Array.isArray(raw) ? 'a list' : raw === null ? 'null' : `a ${typeof raw}`}, not a settings object)`);
    return { document: defaultDocument(), dropped, droppedCount, keptAddresses: 0, totalAddresses: 0 };
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key)) drop(`"${key}" (not a Relayproof setting)`);
  }

  const settings: Record<string, unknown> = {};
  if (isRecord(raw['settings'])) {
    const shape: Record<string, z.ZodType> = settingsSchema.shape;
    for (const [key, value] of Object.entries(raw['settings'])) {
      const field = shape[key];
      if (field === undefined) {
        drop(`setting "${key}" (unknown setting)`);
        continue;
      }
      const checked = field.safeParse(value);
      if (checked.success) settings[key] = checked.data;
      else drop(`setting "${key}" (${firstIssue(checked.error)}); the default is used`);
    }
  } else if (raw['settings'] !== undefined) {
    drop('settings (not an object); defaults are used');
  }

  const addresses: z.output<typeof addressSchema>[] = [];
  const rows = raw['addresses'];
  let totalAddresses = 0;
  if (Array.isArray(rows)) {
    totalAddresses = rows.length;
    const seen = new Set<string>();
    // Only the first MAX_ADDRESSES rows are looked at: the rest could be millions.
    if (rows.length > MAX_ADDRESSES) drop(`addresses ${MAX_ADDRESSES + 1} to ${rows.length} (Relayproof keeps at most ${MAX_ADDRESSES} addresses)`);
    rows.slice(0, MAX_ADDRESSES).forEach((row: unknown, index) => {
      const label = isRecord(row) && typeof row['address'] === 'string' ? `address ${index + 1} (${row['address'].slice(0, 120)})` : `address ${index + 1}`;
      const checked = addressSchema.safeParse(row);
      if (!checked.success) drop(`${label}: ${firstIssue(checked.error)}`);
      else if (seen.has(checked.data.id)) drop(`${label}: its id ${checked.data.id} is used by an earlier address`);
      else {
        seen.add(checked.data.id);
        addresses.push(checked.data);
      }
    });
  } else if (rows !== undefined) {
    drop('addresses (not a list)');
  }

  const notices: z.output<typeof storeNoticeSchema>[] = [];
  if (Array.isArray(raw['notices'])) {
    for (const notice of (raw['notices'] as unknown[]).slice(-MAX_NOTICES)) {
      const checked = storeNoticeSchema.safeParse(notice);
      if (checked.success) notices.push(checked.data);
    }
  }

  const events: z.output<typeof lifecycleEventSchema>[] = [];
  if (Array.isArray(raw['events'])) {
    for (const event of (raw['events'] as unknown[]).slice(-MAX_LIFECYCLE_EVENTS)) {
      const checked = lifecycleEventSchema.safeParse(event);
      if (checked.success) events.push(checked.data);
    }
  }
  const sesIdentities: z.output<typeof sesIdentitySchema>[] = [];
  if (Array.isArray(raw['sesIdentities'])) {
    const seen = new Set<string>();
    (raw['sesIdentities'] as unknown[]).slice(0, MAX_SES_IDENTITIES).forEach((row, index) => {
      const checked = sesIdentitySchema.safeParse(row);
      if (!checked.success) drop(`SES identity ${index + 1}: ${firstIssue(checked.error)}`);
      else if (!seen.has(checked.data.id)) {
        seen.add(checked.data.id);
        sesIdentities.push(checked.data);
      }
    });
  } else if (raw['sesIdentities'] !== undefined) {
    drop('sesIdentities (not a list)');
  }
  const draft = wizardDraftSchema.safeParse(raw['wizardDraft']);
  if (raw['wizardDraft'] !== undefined && raw['wizardDraft'] !== null && !draft.success) drop(`the unfinished wizard (${firstIssue(draft.error)})`);

  const document = storeDocumentSchema.parse({
    schemaVersion: CURRENT_SCHEMA_VERSION,
    settings,
    addresses,
    notices: notices.slice(-MAX_NOTICES),
    events: events.slice(-MAX_LIFECYCLE_EVENTS),
    wizardDraft: draft.success ? draft.data : null,
    sesIdentities,
  });
  return { document, dropped, droppedCount, keptAddresses: addresses.length, totalAddresses };
}
