/**
 * DMARC aggregate and TLS reports as real reporters write them, built by the tests: Google
 * (zip, no namespace, extra_contact_info), Microsoft/Outlook.com (gzip, xsd/xsi namespaces,
 * envelope_to), Yahoo (gzip, pct and fo) and a DMARCbis one (RFC 9990 namespace, np,
 * testing, discovery_method, generator); a TLS-RPT JSON report (RFC 8460); the message that
 * carries one; and hostile files (XXE, billion laughs, zip bombs).
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export interface FixtureRow {
  readonly ip: string;
  readonly count: number;
  readonly dkim: 'pass' | 'fail';
  readonly spf: 'pass' | 'fail';
  readonly disposition?: 'none' | 'quarantine' | 'reject';
  readonly headerFrom?: string;
}

export interface FixtureReport {
  readonly style: 'google' | 'microsoft' | 'yahoo' | 'dmarcbis';
  readonly domain: string;
  readonly reportId: string;
  /** Epoch seconds. */
  readonly begin: number;
  readonly end: number;
  readonly rows: readonly FixtureRow[];
  readonly policy?: 'none' | 'quarantine' | 'reject';
}

const ORG: Record<FixtureReport['style'], { org: string; email: string }> = {
  google: { org: 'google.com', email: 'noreply-dmarc-support@google.com' },
  microsoft: { org: 'Enterprise Outlook', email: 'dmarcreport@microsoft.com' },
  yahoo: { org: 'Yahoo', email: 'dmarchelp@yahooinc.com' },
  dmarcbis: { org: 'Example Receiver', email: 'dmarc-reports@receiver.example' },
};

function row(style: FixtureReport['style'], domain: string, r: FixtureRow): string {
  const from = r.headerFrom ?? domain;
  const envelopeTo = style === 'microsoft' ? `\n      <envelope_to>customer.example</envelope_to>` : '';
  const envelopeFrom = style === 'google' ? '' : `\n      <envelope_from>${from}</envelope_from>`;
  const reason = r.disposition === 'none' && r.dkim === 'fail' && r.spf === 'fail' && style === 'google' ? `\n        <reason>\n          <type>local_policy</type>\n          <comment>arc=pass</comment>\n        </reason>` : '';
  const selector = style === 'dmarcbis' || style === 'google' ? `\n        <selector>relay1</selector>` : '';
  return `
  <record>
    <row>
      <source_ip>${r.ip}</source_ip>
      <count>${r.count}</count>
      <policy_evaluated>
        <disposition>${r.disposition ?? 'none'}</disposition>
        <dkim>${r.dkim}</dkim>
        <spf>${r.spf}</spf>${reason}
      </policy_evaluated>
    </row>
    <identifiers>${envelopeTo}${envelopeFrom}
      <header_from>${from}</header_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>${from}</domain>${selector}
        <result>${r.dkim}</result>
      </dkim>
      <spf>
        <domain>${from}</domain>${style === 'yahoo' ? '' : '\n        <scope>mfrom</scope>'}
        <result>${r.spf === 'pass' ? 'pass' : 'softfail'}</result>
      </spf>
    </auth_results>
  </record>`;
}

/** The XML of one aggregate report in the reporter's style. */
export function aggregateXml(report: FixtureReport): string {
  const { org, email } = ORG[report.style];
  const p = report.policy ?? 'none';
  const rows = report.rows.map((r) => row(report.style, report.domain, r)).join('');
  switch (report.style) {
    case 'google':
      return `<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <report_metadata>
    <org_name>${org}</org_name>
    <email>${email}</email>
    <extra_contact_info>https://support.google.com/a/answer/2466580</extra_contact_info>
    <report_id>${report.reportId}</report_id>
    <date_range>
      <begin>${report.begin}</begin>
      <end>${report.end}</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>${report.domain}</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>${p}</p>
    <sp>${p}</sp>
    <pct>100</pct>
    <np>${p}</np>
  </policy_published>${rows}
</feedback>
`;
    case 'microsoft':
      return `<?xml version="1.0"?>
<feedback xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <version>1.0</version>
  <report_metadata>
    <org_name>${org}</org_name>
    <email>${email}</email>
    <report_id>${report.reportId}</report_id>
    <date_range>
      <begin>${report.begin}</begin>
      <end>${report.end}</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>${report.domain}</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>${p}</p>
    <sp>${p}</sp>
    <pct>100</pct>
    <fo>0</fo>
  </policy_published>${rows}
</feedback>`;
    case 'yahoo':
      return `<?xml version="1.0"?>
<feedback>
  <report_metadata>
    <org_name>${org}</org_name>
    <email>${email}</email>
    <report_id>${report.reportId}</report_id>
    <date_range><begin>${report.begin}</begin><end>${report.end}</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>${report.domain}</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>${p}</p>
    <pct>100</pct>
  </policy_published>${rows}
</feedback>
`;
    case 'dmarcbis':
      return `<?xml version="1.0" encoding="UTF-8"?>
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
  <version>1.0</version>
  <report_metadata>
    <org_name>${org}</org_name>
    <email>${email}</email>
    <report_id>${report.reportId}</report_id>
    <date_range>
      <begin>${report.begin}</begin>
      <end>${report.end}</end>
    </date_range>
    <generator>Example Receiver DMARC 2.0</generator>
  </report_metadata>
  <policy_published>
    <domain>${report.domain}</domain>
    <p>${p}</p>
    <sp>${p}</sp>
    <np>reject</np>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <discovery_method>treewalk</discovery_method>
    <testing>y</testing>
  </policy_published>${rows}
</feedback>
`;
  }
}

/** A zip archive (stored or deflated entries), as Google and some others send reports. */
export function zipOf(entries: ReadonlyArray<{ readonly name: string; readonly bytes: Buffer; readonly declaredSize?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = deflateRawSync(entry.bytes);
    const size = entry.declaredSize ?? entry.bytes.length;
    const crc = crc32(entry.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The report file the reporter would attach: Google zips, Microsoft and Yahoo gzip, the DMARCbis receiver sends plain XML. */
export function reportFile(report: FixtureReport): { readonly name: string; readonly bytes: Buffer; readonly contentType: string } {
  const { org } = ORG[report.style];
  const base = `${org.replace(/ /gu, '')}!${report.domain}!${report.begin}!${report.end}`;
  const xml = Buffer.from(aggregateXml(report));
  switch (report.style) {
    case 'google':
      return { name: `${base}.zip`, bytes: zipOf([{ name: `${base}.xml`, bytes: xml }]), contentType: 'application/zip' };
    case 'microsoft':
    case 'yahoo':
      return { name: `${base}.xml.gz`, bytes: gzipSync(xml), contentType: 'application/gzip' };
    case 'dmarcbis':
      return { name: `${base}.xml`, bytes: xml, contentType: 'text/xml' };
  }
}

/** An RFC 8460 report. */
export function tlsReportJson(domain: string, options: { readonly successful: number; readonly failed: number; readonly reportId?: string }): string {
  return JSON.stringify({
    'organization-name': 'Company-X',
    'date-range': { 'start-datetime': '2026-11-01T00:00:00Z', 'end-datetime': '2026-11-01T23:59:59Z' },
    'contact-info': 'sts-reporting@company-x.example',
    'report-id': options.reportId ?? '5065427c-23d3-47ca-b6e0-946ea0e8c4be',
    policies: [
      {
        policy: { 'policy-type': 'sts', 'policy-string': ['version: STSv1', 'mode: testing', `mx: mx.${domain}`, 'max_age: 86400'], 'policy-domain': domain, 'mx-host': [`mx.${domain}`] },
        summary: { 'total-successful-session-count': options.successful, 'total-failure-session-count': options.failed },
        'failure-details':
          options.failed === 0
            ? []
            : [{ 'result-type': 'certificate-expired', 'sending-mta-ip': '2001:db8:abcd:0012::1', 'receiving-mx-hostname': `mx.${domain}`, 'failed-session-count': options.failed }],
      },
    ],
  });
}

/** The message a reporter sends: a short text part and the report attached (base64). */
export function reportMessage(attachment: { readonly name: string; readonly bytes: Buffer; readonly contentType: string }, options: { readonly domain: string; readonly subjectId: string; readonly from?: string }): Buffer {
  const boundary = '----=_Part_0_report';
  const body = attachment.bytes.toString('base64').replace(/.{76}/gu, '$&\r\n');
  return Buffer.from(
    [
      `From: ${options.from ?? 'noreply-dmarc-support@google.com'}`,
      `To: dmarc-reports@${options.domain}`,
      `Subject: Report domain: ${options.domain} Submitter: google.com Report-ID: ${options.subjectId}`,
      'Date: Mon, 02 Nov 2026 08:00:00 +0000',
      `Message-ID: <${options.subjectId}@reports.example>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `This is an aggregate report from ${options.from ?? 'google.com'}.`,
      '',
      `--${boundary}`,
      `Content-Type: ${attachment.contentType}; name="${attachment.name}"`,
      `Content-Disposition: attachment; filename="${attachment.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      body,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

/** XXE: an external entity that would read a local file. */
export const XXE_REPORT = `<?xml version="1.0"?>
<!DOCTYPE feedback [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<feedback><report_metadata><org_name>&xxe;</org_name></report_metadata></feedback>`;

/** Billion laughs: ten levels of ten references each, a gigabyte of "lol" from a kilobyte. */
export const BILLION_LAUGHS_REPORT = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`;

/** A zip whose one entry inflates to `megabytes` MB of zeros; `lie` declares 1 KB instead. */
export function zipBomb(megabytes: number, lie = false): Buffer {
  return zipOf([{ name: 'report.xml', bytes: Buffer.alloc(megabytes * 1024 * 1024), ...(lie ? { declaredSize: 1024 } : {}) }]);
}

/** A gzip of `megabytes` MB of zeros; `lie` rewrites its ISIZE trailer to 1 KB. */
export function gzipBomb(megabytes: number, lie = false): Buffer {
  const bytes = gzipSync(Buffer.alloc(megabytes * 1024 * 1024));
  if (lie) bytes.writeUInt32LE(1024, bytes.length - 4);
  return bytes;
}
