import type { ReactNode } from 'react';
import type { CheckDetails } from '../../../../src-preload/contract/checks-schemas';
import { assertNever } from '../../app/assert-never';
import { DetailsList, type DetailsItem } from '../../ui/details-list';
import { DnsText } from './dns-text';
import { SpfTree } from './spf-tree';

const dns = (text: string | null | undefined): ReactNode => (text === null || text === undefined || text === '' ? '—' : <DnsText text={text} mono />);
const list = (values: readonly string[]): ReactNode => (values.length === 0 ? '—' : <DnsText text={values.join(', ')} mono />);
const yesNo = (value: boolean | null, yes = 'Yes', no = 'No'): string => (value === null ? 'Unknown' : value ? yes : no);

/** What each check found, beyond its records: the SPF tree, the DKIM key, DMARC tags... */
export function CheckDetailsView({ details }: { readonly details: CheckDetails }) {
  if (details.kind === 'spf') return <SpfTree details={details} />;
  const items = detailItems(details);
  return items.length === 0 ? null : <DetailsList items={items} />;
}

function detailItems(details: Exclude<CheckDetails, { kind: 'spf' }>): DetailsItem[] {
  switch (details.kind) {
    case 'dkim':
      return [
        { term: 'Queried name', value: dns(details.name) },
        ...(details.cname.length > 0 ? [{ term: 'Through CNAME', value: list(details.cname) }] : []),
        ...(details.expectedTarget === null ? [] : [{ term: 'Expected CNAME target', value: dns(details.expectedTarget) }]),
        { term: 'Key', value: details.keyType === null ? '—' : `${details.keyType.toUpperCase()}${details.keyBits === null ? '' : `, ${details.keyBits} bits`}` },
        ...(details.revoked ? [{ term: 'Revoked', value: 'Yes: the key is empty (p=)' }] : []),
        ...(details.testing ? [{ term: 'Testing flag', value: 't=y: receivers may treat failures as unsigned' }] : []),
        ...(details.doubledName === null ? [] : [{ term: 'Found under the doubled name', value: dns(details.doubledName) }]),
        ...tagItems(details.tags, ['p']),
      ];
    case 'dmarc':
      return [
        { term: 'Policy found at', value: dns(details.policyDomain) },
        { term: 'Organisational domain', value: dns(details.orgDomain) },
        { term: 'Policy', value: details.policy ?? '—' },
        { term: 'Subdomain policy', value: details.subdomainPolicy ?? '—' },
        ...tagItems(details.tags, []),
        ...details.destinations.map((d, i) => ({
          term: `Report address ${i + 1} (${d.tag})`,
          value: (
            <>
              <DnsText text={d.uri} mono />
              {d.external ? ` — external, ${d.authorized === null ? 'authorisation unknown' : d.authorized ? 'authorised' : 'not authorised'}` : ''}
              {d.checkedName === null ? '' : <> (<DnsText text={d.checkedName} mono />)</>}
            </>
          ),
        })),
      ];
    case 'mx':
      return details.nullMx
        ? [{ term: 'Null MX', value: 'The domain says it accepts no mail (RFC 7505).' }]
        : details.hosts.map((h, i) => ({
            term: `Mail server ${i + 1} (priority ${h.priority})`,
            value: (
              <>
                <DnsText text={h.exchange} mono /> → {list(h.addresses)}
                {h.problem === null ? null : (
                  <>
                    {' — '}
                    <DnsText text={h.problem} />
                  </>
                )}
              </>
            ),
          }));
    case 'ptr':
      return [
        { term: 'Sending IP', value: dns(details.ip) },
        { term: 'Reverse names', value: list(details.names) },
        { term: 'Forward-confirmed', value: yesNo(details.forwardConfirmed) },
        ...(details.residentialHints.length > 0 ? [{ term: 'Looks residential', value: list(details.residentialHints) }] : []),
      ];
    case 'helo':
      return [
        { term: 'HELO name', value: dns(details.name) },
        { term: 'Addresses', value: list(details.addresses) },
        { term: 'Same organisation', value: yesNo(details.sameOrganization) },
      ];
    case 'mta-sts':
      return [
        { term: 'Policy id', value: dns(details.id) },
        { term: 'Policy fetched', value: yesNo(details.policyFetched) },
        ...(details.policy === null ? [] : [{ term: 'Mode', value: details.policy.mode }, { term: 'MX patterns', value: list(details.policy.mx) }]),
      ];
    case 'tls-rpt':
      return [{ term: 'Reports to', value: list(details.rua) }];
    case 'bimi':
      return [
        { term: 'Logo', value: dns(details.location) },
        { term: 'Authority (VMC)', value: dns(details.authority) },
      ];
    case 'forwarding':
      return [
        { term: 'Forwarding address', value: dns(details.address) },
        { term: 'Expected pattern', value: dns(details.pattern) },
        { term: 'Its mail servers', value: list(details.mx) },
      ];
    default:
      return assertNever(details);
  }
}

function tagItems(tags: Readonly<Record<string, string>>, skip: readonly string[]): DetailsItem[] {
  const shown = Object.entries(tags).filter(([tag]) => !skip.includes(tag));
  if (shown.length === 0) return [];
  return [{ term: 'Tags', value: <DnsText text={shown.map(([tag, value]) => `${tag}=${value}`).join('; ')} mono /> }];
}
