import { describe, expect, it } from 'vitest';
import { byPeriod } from './report-order';

describe('the reports table order', () => {
  it('oldest period first, whatever order the mailbox gave; a report without a period last', () => {
    const read = [
      { id: 'google', period: { begin: '2026-11-02T00:00:00Z' } },
      { id: 'none', period: null },
      { id: 'outlook', period: { begin: '2026-11-09T00:00:00Z' } },
      { id: 'yahoo', period: { begin: '2026-11-04T00:00:00Z' } },
    ];
    expect(byPeriod(read).map((r) => r.id)).toEqual(['google', 'yahoo', 'outlook', 'none']);
    expect(read.map((r) => r.id)).toEqual(['google', 'none', 'outlook', 'yahoo']);
  });
});
