import { Field, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { CopyButton } from '../../ui/copy-button';
import { LabelSelect } from '../../ui/label-select';
import { forwardingTarget } from './wizard-state';
import type { StepProps } from './wizard-labels';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '80ch' },
  target: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase400, overflowWrap: 'anywhere' },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  code: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

type MailService = 'm365' | 'google' | 'generic';
const serviceLabels = { m365: 'Microsoft 365 / Exchange Online', google: 'Google Workspace', generic: 'Another mail server' } as const satisfies Record<MailService, string>;

function serviceOf(provider: string | null): MailService {
  if (provider === null) return 'generic';
  if (/microsoft|m365|office|exchange/u.test(provider)) return 'm365';
  if (/google|gmail|workspace/u.test(provider)) return 'google';
  return 'generic';
}

/** Step 5: inbound mail reaches the platform by auto-forwarding, once, to its own address. */
export function ForwardingStep({ state, platform }: StepProps) {
  const styles = useStyles();
  const [service, setService] = useState<MailService>(() => serviceOf(state.provider));
  const target = forwardingTarget(platform, state.platformSubdomain);
  const address = state.address.trim();

  if (platform !== undefined && platform.forwarding === null) {
    return (
      <div className={styles.root}>
        <Text>
          {platform.name} only sends through your server: customers&apos; replies do not go to it by forwarding, so there is nothing to set up here. Press Next.
        </Text>
      </div>
    );
  }

  return (
    <div className={styles.root}>
      <Text>Set up auto-forwarding on your mail service so mail to {address} reaches the platform. Forward it to:</Text>
      {target === null ? null : (
        <div className={styles.target}>
          <span className={styles.mono} data-testid="forwarding-target">
            {target}
          </span>
          <CopyButton text={target} what="forwarding address" />
        </div>
      )}
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Forward once, directly</MessageBarTitle>
          {platform?.forwarding?.note ?? 'Forward directly to the platform address.'} Through a second mailbox or a distribution list, the platform may take the wrong
          person as the requester.
        </MessageBarBody>
      </MessageBar>
      <Field label="Show the steps for" hint="Preselected from the mail service you chose.">
        <LabelSelect value={service} labels={serviceLabels} onChange={setService} />
      </Field>
      <ol className={styles.steps} aria-label={`Forwarding steps for ${serviceLabels[service]}`}>
        {stepsFor(service, address, target ?? 'the platform address', styles.code)}
      </ol>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>No greylisting for this traffic</MessageBarTitle>
          Greylisting delays the platform&apos;s verification email, and the platform then reports the address as not working. Exempt the platform&apos;s servers (or
          this address) from greylisting before you verify.
        </MessageBarBody>
      </MessageBar>
    </div>
  );
}

function stepsFor(service: MailService, address: string, target: string, code: string) {
  switch (service) {
    case 'm365':
      return (
        <>
          <li>In the Exchange admin center, open Recipients, then Mailboxes, and select {address}.</li>
          <li>
            Under Mail flow settings, Email forwarding, forward all mail to <span className={code}>{target}</span>. Keep a copy in the mailbox if people also read it.
          </li>
          <li>
            Microsoft 365 blocks automatic forwarding to outside addresses by default: in Microsoft Defender, the outbound anti-spam policy must allow automatic forwarding
            (&quot;On - Forwarding is enabled&quot;) for this mailbox.
          </li>
          <li>
            Or in Exchange Online PowerShell: <span className={code}>{`Set-Mailbox -Identity "${address}" -ForwardingSmtpAddress "${target}" -DeliverToMailboxAndForward $true`}</span>
          </li>
        </>
      );
    case 'google':
      return (
        <>
          <li>Sign in to Gmail as {address}, open Settings, See all settings, then Forwarding and POP/IMAP.</li>
          <li>
            Add a forwarding address: <span className={code}>{target}</span>. Google sends a confirmation code there: it arrives at the platform as a ticket or message;
            copy the code from it.
          </li>
          <li>Enter the code, choose &quot;Forward a copy of incoming mail to&quot; that address, and save.</li>
          <li>If forwarding is not offered, your Workspace admin must allow automatic forwarding (Apps, Google Workspace, Gmail, End User Access).</li>
        </>
      );
    case 'generic':
      return (
        <>
          <li>On your mail server or in the mailbox&apos;s settings, add a forwarding (redirect) rule for {address}.</li>
          <li>
            Forward every incoming message to <span className={code}>{target}</span>, unchanged (not as an attachment).
          </li>
          <li>Make sure no second rule or list forwards the mail again before it reaches the platform.</li>
        </>
      );
  }
}
