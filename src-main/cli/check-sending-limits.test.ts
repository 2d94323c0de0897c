import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { runCliCaptured, type CliRun } from '../testing/cli-run';

// Every name the checklist asks about answers from this local server only.
const dns = useTestDns([
  { origin: 'test', records: [rr.txt('billing.test', 'v=spf1 include:spf.protection.outlook.com -all'), rr.txt('_dmarc.billing.test', 'v=DMARC1; p=none; rua=mailto:d@billing.test')] },
]);

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-limits-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const cli = (args: string[]): Promise<CliRun> => runCliCaptured([...args, '--dns-server', `127.0.0.1:${dns.server().port}`], dataDir);

describe('check --platform zuora --smtp-host: the mail service\'s sending limits', () => {
  it('Microsoft 365: the warning with 10,000 recipients a day and 30 messages a minute, and its source', async () => {
    const { stdout } = await cli(['check', 'billing.test', '--platform', 'zuora', '--smtp-host', 'smtp.office365.com']);
    expect(stdout).toMatch(/Sending limits: Microsoft 365 \(Exchange Online\) allows at most 10,000 recipients a day per mailbox and 30 messages a minute per mailbox\./u);
    expect(stdout).toMatch(/bulk invoice/u);
    expect(stdout).toMatch(/Sources: https:\/\/learn\.microsoft\.com\//u);
  });

  it('--json carries the notice; a sending service, another platform or no --smtp-host get none', async () => {
    const json = JSON.parse((await cli(['check', 'billing.test', '--platform', 'zuora', '--smtp-host', 'smtp.gmail.com', '--json'])).stdout) as { sendingLimits?: { limits: string } };
    expect(json.sendingLimits?.limits).toMatch(/2,000 messages a day per user/u);
    expect((await cli(['check', 'billing.test', '--platform', 'zuora', '--smtp-host', 'email-smtp.us-east-1.amazonaws.com'])).stdout).not.toMatch(/Sending limits/u);
    expect((await cli(['check', 'billing.test', '--platform', 'zendesk', '--smtp-host', 'smtp.office365.com'])).stdout).not.toMatch(/Sending limits/u);
    expect((await cli(['check', 'billing.test', '--platform', 'zuora'])).stdout).not.toMatch(/Sending limits/u);
  });
});
