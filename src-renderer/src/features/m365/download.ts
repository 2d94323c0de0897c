/** Save PowerShell text as a `.ps1` file. */
export function downloadPs1(fileName: string, text: string): void {
  downloadText(fileName.endsWith('.ps1') ? fileName : `${fileName}.ps1`, 'text/plain', text);
}

/** Save text as a file (a Blob link, clicked once). */
export function downloadText(fileName: string, mediaType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download synchronously; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Commands of one item as a runnable script: connect, run, disconnect. `heading` is the first comment line. */
export function scriptOf(shell: 'exchange' | 'graph' | null, heading: string, commands: readonly string[]): string {
  const [connect, disconnect] =
    shell === 'graph' ? ["Connect-MgGraph -Scopes 'Policy.Read.All'", 'Disconnect-MgGraph'] : ['Connect-ExchangeOnline', 'Disconnect-ExchangeOnline -Confirm:$false'];
  return [`# Relayproof: ${heading.replace(/[\r\n]/gu, ' ')}`, connect, '', ...commands, '', disconnect, ''].join('\n');
}
