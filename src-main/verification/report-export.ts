/**
 * The verification report of one address or of all: status and recent runs as JSON or a
 * self-contained HTML page, named by the address an admin recognises. Every secret
 * Relayproof holds for the addresses (the keychain's, through `vault.secretsOf`, and any
 * OAuth 2.0 token held in memory) is scrubbed from the text, as the second line of defence.
 */
import { ok, type Address, type Result } from '../../src-preload/contract';
import { notFoundAddress } from '../addresses/not-found';
import { routeOf } from '../checks/route-evaluation';
import type { LoadPlatformsResult } from '../providers/platforms';
import type { AppStore } from '../store/store';
import type { Vault } from '../vault/vault';
import { buildReport, reportFileStem, reportJson } from './report';
import { reportHtml } from './report-html';
import type { RunCoordinator } from './run-coordinator';
import { historyOf, type VerificationStore } from './status-store';

export interface ReportExportDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  readonly statusStore: VerificationStore;
  readonly appVersion: string;
  readonly clock?: () => Date;
  /** The OAuth 2.0 access token held in memory for an address (Microsoft 365 view), or null. */
  readonly heldToken?: (addressId: string) => string | null;
  /** The platform presets: the report names the route each address is judged on. */
  readonly platforms?: () => Promise<LoadPlatformsResult>;
}

export interface ReportExport {
  report(addressId: string | undefined, format: 'html' | 'json'): Promise<Result<{ filename: string; mediaType: string; content: string }>>;
}

export function createReportExport(deps: ReportExportDeps, runs: Pick<RunCoordinator, 'stateOf'>): ReportExport {
  const { store, vault, statusStore } = deps;
  const clock = deps.clock ?? (() => new Date());
  const { stateOf } = runs;

  return {
    async report(addressId, format) {
      const addresses = addressId === undefined ? [...store.listAddresses()] : [store.getAddress(addressId)].filter((a): a is Address => a !== undefined);
      if (addressId !== undefined && addresses.length === 0) return notFoundAddress(addressId);
      // Second line of defence: every secret Relayproof holds for these addresses is scrubbed from the text.
      const secrets: { username: string | null; secret: string }[] = [];
      for (const a of addresses) {
        // Every keychain entry of the address (SMTP, mailboxes, OAuth client secret and
        // certificate key) and any access token held for it. Which username went with which
        // secret does not matter here: each is paired with every username of the address, so
        // the SASL forms of any pairing are scrubbed too.
        const stored = await vault.secretsOf(a.id);
        const token = deps.heldToken?.(a.id) ?? null;
        const all = [...(stored.ok ? stored.value : []), ...(token !== null ? [token] : [])];
        const usernames = [null, a.username, a.mailbox?.username ?? null, a.forwardingMailbox?.username ?? null].filter((u, i, list) => list.indexOf(u) === i);
        for (const secret of all) for (const username of usernames) secrets.push({ username, secret });
      }
      const now = clock();
      const loaded = deps.platforms === undefined ? null : await deps.platforms();
      const routeFor = (a: Address) => {
        const platform = loaded?.ok === true ? loaded.platforms.get(a.platform) : undefined;
        const route = platform === undefined ? undefined : routeOf(platform, a.route ?? undefined);
        return route === undefined || !route.ok ? {} : { route: { id: route.value.id, label: route.value.label } };
      };
      const report = buildReport(
        addresses.map((a) => ({ id: a.id, address: a.address, platform: a.platform, environment: a.environment, ...routeFor(a), state: stateOf(a), history: historyOf(statusStore.get(a.id), a.id), lastTest: a.lastTest })),
        { now, appVersion: deps.appVersion, secrets },
      );
      // Named by the address an admin recognises, never the internal id.
      const stem = reportFileStem(addressId === undefined ? undefined : addresses[0]?.address, now);
      return ok(
        format === 'html'
          ? { filename: `${stem}.html`, mediaType: 'text/html; charset=utf-8', content: reportHtml(report) }
          : { filename: `${stem}.json`, mediaType: 'application/json', content: reportJson(report) },
      );
    },
  };
}
