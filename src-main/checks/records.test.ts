import { describe, expect, it } from 'vitest';
import { fixRecord, zoneFileSnippet } from './records';

describe('zone-file snippet with published text copied into it', () => {
  const published = 'v=DMARC1; p=none; rua=mailto:a@example.com\u001b]0;owned\u0007\u202Ex\r\n_evil.example.com. 60 IN TXT "injected"';

  it('a record to replace is named in a comment that stays one line', () => {
    const snippet = zoneFileSnippet([fixRecord({ zone: 'example.com', name: '_dmarc.example.com', type: 'TXT', value: 'v=DMARC1; p=quarantine', action: 'replace', replaces: published })]);
    const lines = snippet.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^; replaces: v=DMARC1; p=none; .*⟨U\+001B ESC⟩.*⟨U\+000D CR⟩⟨U\+000A LF⟩_evil/u);
    expect(lines.some((l) => l.startsWith('_evil'))).toBe(false);
  });

  it('a TXT value with control and bidi characters is written with \\DDD escapes (RFC 1035 §5.1), and a record to remove stays one line', () => {
    const snippet = zoneFileSnippet([
      fixRecord({ zone: 'example.com', name: 'example.com', type: 'TXT', value: 'v=spf1 \u001b[2J\u202E-all' }),
      fixRecord({ zone: 'example.com', name: 'example.com', type: 'TXT', value: published, action: 'remove' }),
    ]);
    const lines = snippet.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('example.com.\t3600\tIN\tTXT\t"v=spf1 \\027[2J\\226\\128\\174-all"');
    expect(lines[2]?.startsWith('; remove: example.com.\t3600\tIN\tTXT\t"v=DMARC1; p=none;')).toBe(true);
    expect(/[\u0000-\u0008\u000b-\u001f\u202e]/u.test(snippet)).toBe(false);
  });
});
