/**
 * The DNS blocklists Relayproof knows (resources/blocklists.json), validated with zod at
 * load: each list's zone, the codes it publishes and what they mean, and its error codes
 * (which are never listings). Which lists to ask for a target: the default ones of the
 * target's kind, or the zones the admin named, known or not.
 */
import { join } from 'node:path';
import { blocklistFileSchema, type BlocklistEntry, type BlocklistFile } from '../../src-preload/contract/blocklist-schemas';
import { readJsonResource, type JsonResource, type ReadText } from '../app/json-resource';

export const BLOCKLISTS_FILE = 'blocklists.json';

export function loadBlocklists(resourcesDir: string, read?: ReadText): Promise<JsonResource<BlocklistFile>> {
  return readJsonResource(join(resourcesDir, BLOCKLISTS_FILE), blocklistFileSchema, read);
}

/** A list as it is asked: a known entry, or a zone the admin named that Relayproof has no codes for. */
export interface AskedList {
  readonly name: string;
  readonly zone: string;
  readonly kind: 'ip' | 'domain';
  readonly codeMatch: BlocklistEntry['codeMatch'];
  readonly codes: BlocklistEntry['codes'];
  readonly errorCodes: BlocklistEntry['errorCodes'];
  readonly delist: string | null;
  readonly note: string | null;
}

function asked(entry: BlocklistEntry): AskedList {
  return { name: entry.name, zone: entry.zone, kind: entry.kind, codeMatch: entry.codeMatch, codes: entry.codes, errorCodes: entry.errorCodes, delist: entry.delist, note: entry.note ?? null };
}

/**
 * The lists to ask about a target of `kind`. Named zones are asked whether or not the file
 * knows them (an unknown one reads as RFC 5782 says: any 127.0.0.0/8 answer is a listing
 * of unknown severity); a known list of the other kind is an error the admin must fix.
 */
export function selectLists(file: BlocklistFile, kind: 'ip' | 'domain', zones: readonly string[]): { readonly lists: readonly AskedList[] } | { readonly error: string } {
  if (zones.length === 0) return { lists: file.lists.filter((l) => l.default && l.kind === kind).map(asked) };
  const lists: AskedList[] = [];
  for (const raw of zones) {
    const zone = raw.trim().toLowerCase().replace(/\.$/u, '');
    if (!/^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/u.test(zone)) return { error: `"${raw}" is not a DNS zone; name a list by its zone, such as zen.spamhaus.org.` };
    const known = file.lists.find((l) => l.zone === zone);
    if (known !== undefined && known.kind !== kind) {
      const alternatives = file.lists.filter((l) => l.kind === kind && l.default).map((l) => l.zone);
      return { error: `${zone} lists ${known.kind === 'ip' ? 'IP addresses' : 'domains'}, not ${kind === 'ip' ? 'IP addresses' : 'domains'}; ask it about ${known.kind === 'ip' ? 'an IP address' : 'a domain'}, or ask ${alternatives.join(', ')}.` };
    }
    if (lists.some((l) => l.zone === zone)) continue;
    lists.push(known !== undefined ? asked(known) : { name: zone, zone, kind, codeMatch: 'exact', codes: [], errorCodes: [], delist: null, note: null });
  }
  return { lists };
}
