import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useRef, useState, type ChangeEvent } from 'react';
import type { AddressView, AppError, ImportResult } from '../../../../src-preload/contract';
import { ErrorBar } from '../../ui/error-bar';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { usePlatformNaming } from '../../api/use-platforms';
import { exportFileName, secretNoun } from './address-status';
import { DISCONNECT_ENV, generateDisconnectScript, type DisconnectShell } from '../../../../src-preload/contract/disconnect-script';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  intro: { margin: 0, color: tokens.colorNeutralForeground2, maxWidth: '72ch' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  file: { display: 'none' },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  imported: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  subheading: { margin: 0, fontSize: tokens.fontSizeBase300, lineHeight: tokens.lineHeightBase300, fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

/** The largest file read at all; main refuses anything over 1 MB of content anyway. */
const MAX_FILE_BYTES = 2_000_000;

export interface ExportImportSectionProps {
  /** A sentence for the page's status line. */
  readonly onStatus: (message: string) => void;
  /** Opens the dialog that tests and stores an imported address's secret. */
  readonly onEnterSecret: (address: AddressView) => void;
  /** The current list, so an imported row shows whether its secret has been entered since. */
  readonly current: readonly AddressView[];
}

/**
 * Export and import of the non-secret configuration as versioned JSON. No secret is
 * ever in the file: imported addresses need theirs entered again, which the result
 * asks for row by row.
 */
export function ExportImportSection({ onStatus, onEnterSecret, current }: ExportImportSectionProps) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const platforms = usePlatformNaming();
  const exporter = useChannelMutation('addresses:export');
  const importer = useChannelMutation('addresses:import', { invalidates: ['addresses:list', 'addresses:events'] });
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<AppError | null>(null);
  const [result, setResult] = useState<{ readonly fileName: string; readonly value: ImportResult } | null>(null);
  const platformList = useChannelQuery('platforms:list', {});
  // Platforms whose support addresses an API can remove or update (Zendesk): a script per shell.
  const withApi = (platformList.data ?? []).filter((p) => p.addressApi !== undefined && current.some((a) => a.platform === p.id));
  const [scriptError, setScriptError] = useState<AppError | null>(null);
  const [scriptNote, setScriptNote] = useState<string | null>(null);

  const disconnectScript = (platformId: string, shell: DisconnectShell) => {
    const platform = withApi.find((p) => p.id === platformId);
    if (platform?.addressApi === undefined) return;
    const api = platform.addressApi;
    setScriptError(null);
    setScriptNote(null);
    exporter.mutate(
      {},
      {
        onSuccess: (document) => {
          const generated = generateDisconnectScript({
            shell,
            action: 'remove',
            rows: document.addresses,
            platform: { id: platform.id, shortName: platform.shortName, addressApi: api },
            generatedAt: new Date().toISOString(),
          });
          if (!generated.ok) {
            setScriptError({ code: 'invalid-input', message: generated.message, hint: generated.hint });
            return;
          }
          const { fileName, script, addresses, skipped } = generated.value;
          download(fileName, script, 'text/plain');
          const note = `Saved ${fileName}: it removes ${addresses.length} ${platform.shortName} address${addresses.length === 1 ? '' : 'es'} one at a time through ${platform.shortName}'s API. Set ${DISCONNECT_ENV.email} and ${DISCONNECT_ENV.token} before running it. ${api.lowTrafficAdvice}${skipped.length === 0 ? '' : ` Left out: ${skipped.map((x) => `${x.address} (${x.reason})`).join('; ')}.`}`;
          setScriptNote(note);
          onStatus(`Saved ${fileName}.`);
        },
      },
    );
  };

  const exportAll = () => {
    exporter.mutate(
      {},
      {
        onSuccess: (document) => {
          const name = exportFileName(new Date());
          download(name, `${JSON.stringify(document, null, 2)}\n`);
          const count = document.addresses.length;
          onStatus(`Saved ${name} with ${count} address${count === 1 ? '' : 'es'}. No passwords are included: after an import, each address needs its password entered again.`);
        },
      },
    );
  };

  const chosen = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Let the same file be chosen again after it was fixed.
    input.value = '';
    if (file === undefined) return;
    setFileError(null);
    setResult(null);
    importer.reset();
    if (file.size > MAX_FILE_BYTES) {
      setFileError({ code: 'invalid-input', message: `${file.name} is ${Math.round(file.size / 1000)} KB; an export of 1,000 addresses is about 400 KB.`, hint: 'Choose a file exported by Relayproof.' });
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch (error) {
      setFileError({
        code: 'invalid-input',
        message: `${file.name} is not valid JSON${error instanceof SyntaxError ? ` (${error.message})` : ''}.`,
        hint: 'Choose the .json file that Export addresses saved, unchanged.',
      });
      return;
    }
    importer.mutate(
      { document },
      {
        onSuccess: (value) => {
          setResult({ fileName: file.name, value });
          onStatus(summaryOf(file.name, value));
        },
      },
    );
  };

  const stillMissing = (id: string) => current.find((a) => a.id === id)?.secret.stored !== true;

  return (
    <section className={styles.section} aria-labelledby="transfer-heading">
      <h2 id="transfer-heading" className={styles.heading}>
        Export and import
      </h2>
      <Text as="p" className={styles.intro}>
        Move the configuration of your addresses to another computer as a JSON file: platform, environment, server, username, selectors and reminders.
        No passwords are included; after importing, enter each address&apos;s password, which Relayproof tests before storing it.
      </Text>
      <div className={styles.actions}>
        <Button onClick={exportAll} disabledFocusable={exporter.isPending}>
          {exporter.isPending ? 'Exporting\u2026' : 'Export addresses'}
        </Button>
        <Button onClick={() => fileRef.current?.click()} disabledFocusable={importer.isPending}>
          {importer.isPending ? 'Importing\u2026' : 'Import from file\u2026'}
        </Button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          className={styles.file}
          aria-label="Addresses file to import"
          tabIndex={-1}
          data-testid="import-file"
          onChange={(event) => void chosen(event)}
        />
      </div>
      {withApi.map((platform) => (
        <div key={platform.id} className={styles.section} data-testid={`disconnect-script-${platform.id}`}>
          <h3 className={styles.subheading}>Disconnect {platform.shortName} addresses in bulk</h3>
          <Text as="p" className={styles.intro}>
            A script that removes your {platform.shortName} addresses one at a time through {platform.shortName}&apos;s support-addresses API, looking each one up by email. It
            reads your API token from the environment; the token is never written into it. {platform.addressApi?.cannotAdd}
          </Text>
          <div className={styles.actions}>
            <Button onClick={() => disconnectScript(platform.id, 'bash')} disabledFocusable={exporter.isPending}>
              {`${platform.shortName} disconnect script (bash)`}
            </Button>
            <Button onClick={() => disconnectScript(platform.id, 'powershell')} disabledFocusable={exporter.isPending}>
              {`${platform.shortName} disconnect script (PowerShell)`}
            </Button>
          </div>
          {scriptNote === null ? null : (
            <Text as="p" role="status" data-testid="disconnect-script-note">
              {scriptNote}
            </Text>
          )}
          {scriptError === null ? null : <ErrorBar error={scriptError} title="No script was made" />}
        </div>
      ))}
      {exporter.error === null ? null : <ErrorBar error={exporter.error.appError} title="Nothing was exported" />}
      {fileError === null ? null : <ErrorBar error={fileError} title="Nothing was imported" />}
      {importer.error === null ? null : <ErrorBar error={importer.error.appError} title="Nothing was imported" />}
      {result === null ? null : (
        <div className={styles.section} data-testid="import-result">
          <MessageBar intent={result.value.rejected.length === 0 ? 'success' : 'warning'} layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>{summaryOf(result.fileName, result.value)}</MessageBarTitle>
              Existing addresses were not changed.
            </MessageBarBody>
          </MessageBar>
          {result.value.rejected.length === 0 ? null : (
            <>
              <h3 className={styles.subheading}>Rows not imported</h3>
              <ol className={styles.list} aria-label="Rows not imported">
                {result.value.rejected.map((row) => (
                  <li key={row.row} data-row={row.row}>
                    Row {row.row}
                    {row.address === null ? '' : <> (<span className={styles.mono}>{row.address}</span>)</>}: {row.reason}
                  </li>
                ))}
              </ol>
            </>
          )}
          {result.value.imported.length === 0 ? null : (
            <>
              <h3 className={styles.subheading}>Imported: enter each password</h3>
              <ul className={styles.list} aria-label="Imported addresses">
                {result.value.imported.map((address) => (
                  <li key={address.id} data-imported-id={address.id}>
                    <span className={styles.imported}>
                      <span>
                        <span className={styles.mono}>{address.address}</span> ({platforms.label(address.platform)})
                      </span>
                      {stillMissing(address.id) ? (
                        <Button size="small" appearance="primary" onClick={() => onEnterSecret(current.find((a) => a.id === address.id) ?? address)}>
                          {`Enter the ${secretNoun(address.authKind)}`}
                          <span className={hidden.hidden}>{` for ${address.address}`}</span>
                        </Button>
                      ) : (
                        <Text>{`${sentenceCase(secretNoun(address.authKind))} stored.`}</Text>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function summaryOf(fileName: string, value: ImportResult): string {
  const imported = value.imported.length;
  const rejected = value.rejected.length;
  const what = `Imported ${imported} address${imported === 1 ? '' : 'es'} from ${fileName}`;
  return rejected === 0 ? `${what}.` : `${what}; ${rejected} row${rejected === 1 ? ' was' : 's were'} not imported, each with its reason below.`;
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Saves text as a file (a Blob link, clicked once). */
function download(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
