/** Plain-text transcript for download (UI) and `--transcript` (CLI). No Node imports: the renderer uses it too. */
import type { TranscriptLine } from './smtp-schemas';

export function formatTranscript(lines: readonly TranscriptLine[]): string {
  return lines.map((line) => `${line.at} +${String(Math.round(line.t)).padStart(5, ' ')}ms ${line.dir}: ${line.text}`).join('\n') + '\n';
}
