/**
 * The clipboard backend of the Electron app: Electron's own clipboard, in main. Injected
 * into createServices from index.ts; browser mode and the CLI use the Node backend
 * (src-main/app/clipboard.ts).
 */
import { clipboard } from 'electron';
import type { ClipboardBackend } from '../app/clipboard';

export function electronClipboard(): ClipboardBackend {
  return {
    name: 'electron',
    async write(text) {
      if (text === '') clipboard.clear();
      else clipboard.writeText(text);
    },
    async read() {
      return clipboard.readText();
    },
  };
}
