import { describe, expect, it } from 'vitest';
import type { SendEmailResult } from '../../../../src-preload/contract';
import type { MessageProof } from '../../../../src-preload/contract/verification-schemas';
import { awaitingInput, checklistHref, countdownSentence, formatDelay, formatDuration, isUndecided, itemWarnings, remainingMs, toBase64 } from './status-format';
import { idleSend, provedByEml, receiptStage, recheckReducer, idleRecheck, sendMessage, sendReducer, type SendRunState } from './verification-runs';

describe('status wording', () => {
  it('a DNS countdown reads in hours and minutes, rounded down', () => {
    const ms = (71 * 60 + 12) * 60_000 + 59_000;
    expect(formatDuration(ms)).toBe('71 h 12 min');
    expect(countdownSentence('pending', ms)).toBe('Fails in 71 h 12 min if the record does not appear.');
    expect(countdownSentence('pending', 0)).toMatch(/window is over/u);
    expect(formatDuration(30_000)).toBe('under a minute');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
  });

  it('remaining time is never negative and null without a deadline', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(remainingMs('2026-01-01T01:00:00Z', now)).toBe(3_600_000);
    expect(remainingMs('2025-12-31T00:00:00Z', now)).toBe(0);
    expect(remainingMs(null, now)).toBeNull();
  });

  it('delays read in ms, seconds or minutes', () => {
    expect(formatDelay(850)).toBe('850 ms');
    expect(formatDelay(2_400)).toBe('2.4 s');
    expect(formatDelay(185_000)).toBe('3 min 5 s');
  });

  it('the checklist link carries the domain, platform and the DKIM selectors of the items', () => {
    // The saved address, not a domain rebuilt from its items: the Checklist runs the address's own input (route included).
    expect(checklistHref('a-k3j9x2m4q7wz')).toBe('#/checklist?address=a-k3j9x2m4q7wz');
  });

  it('base64 of large buffers round-trips', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    const back = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0));
    expect(back).toEqual(bytes);
    expect(toBase64(new TextEncoder().encode('Subject: hi'))).toBe('U3ViamVjdDogaGk=');
  });
});

describe('run reducers', () => {
  const at = '2026-01-01T00:00:00.000Z';

  it('the verification email goes sent → waiting (attempt n) → received → proved; late events of an older run are ignored', () => {
    let s = sendReducer(idleSend, { type: 'start', operationId: 'a' });
    s = sendReducer(s, { type: 'event', operationId: 'a', event: { type: 'sent', at, accepted: true, messageId: null, recipient: 'inbox@acme.test', reply: '250 ok' } });
    expect(receiptStage(s)).toBe('sent');
    s = sendReducer(s, { type: 'event', operationId: 'a', event: { type: 'waiting', attempt: 2, at, nextAttemptAt: null, deadlineAt: at, searched: ['INBOX'] } });
    expect(sendMessage(s, () => 'T')).toBe('Waiting for it to arrive (search 2; gives up T).');
    s = sendReducer(s, { type: 'event', operationId: 'old', event: { type: 'received', at, mailbox: 'INBOX', elapsedMs: 1, sizeBytes: 1 } });
    expect(receiptStage(s)).toBe('waiting');
    s = sendReducer(s, { type: 'event', operationId: 'a', event: { type: 'received', at, mailbox: 'INBOX', elapsedMs: 2_000, sizeBytes: 1 } });
    s = sendReducer(s, { type: 'event', operationId: 'a', event: { type: 'proved', at, pass: true, spf: 'pass', dkim: 'pass', dmarc: 'pass' } });
    expect(receiptStage(s)).toBe('proved');
    expect(sendMessage(s, () => '')).toBe('Proved: SPF pass, DKIM pass, DMARC pass.');
    s = sendReducer(s, { type: 'failed', operationId: 'a', error: { code: 'cancelled', message: 'x' } });
    expect(s.phase).toBe('cancelled');
  });

  it('an .eml opened after the send proves the steps the mailbox could not: never "not yet" after it', () => {
    const sent = { type: 'sent' as const, at, accepted: true, messageId: null, recipient: 'support@acme.test', reply: '250 ok' };
    const done: SendRunState = {
      phase: 'done',
      operationId: 'a',
      // Only what provedByEml reads: no mailbox was set up, so the send ended waiting for an .eml.
      result: { awaitingEml: true, run: { startedAt: at } } as unknown as SendEmailResult,
      sent,
      waiting: null,
      received: null,
      proved: null,
    };
    const message = { pass: true, spf: { result: 'pass' }, dkim: [{ result: 'fail', aligned: false }, { result: 'pass', aligned: true }], dmarc: { result: 'pass' } } as unknown as MessageProof;
    const receipt = { source: 'eml' as const, mailbox: null, uid: null, attempts: 0, elapsedMs: 0, sizeBytes: 10, foundAt: at };
    const later = '2026-01-01T00:05:00.000Z';
    expect(provedByEml(done, { finishedAt: later, message, receipt })).toEqual({ type: 'proved', at: later, pass: true, spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    // An .eml opened before this send says nothing about it; a message found over IMAP proves itself through the send's own events.
    expect(provedByEml(done, { finishedAt: '2025-12-31T23:59:00.000Z', message, receipt })).toBeNull();
    expect(provedByEml(done, { finishedAt: later, message, receipt: { ...receipt, source: 'imap' } })).toBeNull();
    expect(provedByEml(done, { finishedAt: later, message: null, receipt })).toBeNull();
    expect(provedByEml({ ...done, proved: { type: 'proved', at, pass: true, spf: 'pass', dkim: 'pass', dmarc: 'pass' } }, { finishedAt: later, message, receipt })).toBeNull();
    expect(provedByEml(sendReducer(idleSend, { type: 'start', operationId: 'b' }), { finishedAt: later, message, receipt })).toBeNull();
  });

  it('a re-check shows its steps and ends with the result', () => {
    let s = recheckReducer(idleRecheck, { type: 'start', operationId: 'r' });
    s = recheckReducer(s, { type: 'event', operationId: 'r', event: { type: 'step', step: 'dns', state: 'started' } });
    expect(s).toMatchObject({ phase: 'running', dns: 'started', connection: 'waiting' });
    s = recheckReducer(s, { type: 'failed', operationId: 'r', error: { code: 'not-found', message: 'gone' } });
    expect(s).toMatchObject({ phase: 'failed', error: { message: 'gone' } });
  });
});

describe('one verdict across views', () => {
  const T = '2026-11-23T05:21:00.000Z';
  const evidence = (facts: { label: string; value: string }[]) => ({ source: 'dns' as const, observedAt: T, summary: 's', value: null, facts });

  it('a verified item carrying the checklist\'s warning is "verified, with a warning", never plain verified', () => {
    const warned = { status: { state: 'verified' as const, since: T, explanation: 'Verified, with a warning: …', drift: null, evidence: evidence([{ label: 'Warning', value: 'zendesk1 is a TXT copy, not the CNAME' }]) } };
    expect(itemWarnings(warned)).toEqual(['zendesk1 is a TXT copy, not the CNAME']);
    expect(itemWarnings({ status: { ...warned.status, evidence: evidence([{ label: 'Record 1', value: 'v=spf1 -all' }]) } })).toEqual([]);
    expect(itemWarnings({ status: { state: 'failed', since: T, reason: 'check-failed', explanation: 'x', evidence: evidence([{ label: 'Warning', value: 'w' }]) } })).toEqual([]);
  });

  it('an item checked without a decision is not "not checked yet"', () => {
    expect(isUndecided({ status: { state: 'unverified', since: null }, checkedAt: null })).toBe(false);
    expect(isUndecided({ status: { state: 'unverified', since: null }, checkedAt: T })).toBe(true);
    // Reset after the check: not checked since.
    expect(isUndecided({ status: { state: 'unverified', since: '2026-11-23T06:00:00.000Z' }, checkedAt: T })).toBe(false);
  });

  it('a DNS item asks for input only while its last check was the checklist\'s needs-input', () => {
    const needsInput = { field: 'relaySelectors' as const, label: 'DKIM selector your mail server signs with' };
    expect(awaitingInput({ checkedAt: T, lastError: { at: T, message: 'Enter the DKIM selector your mail server signs with…', needsInput } })).toEqual(needsInput);
    // A later check (that decided, or failed for another reason) replaces the question.
    expect(awaitingInput({ checkedAt: '2026-11-23T06:00:00.000Z', lastError: { at: T, message: 'Enter…', needsInput } })).toBeNull();
    expect(awaitingInput({ checkedAt: T, lastError: { at: T, message: 'The resolver timed out.' } })).toBeNull();
    expect(awaitingInput({ checkedAt: null, lastError: null })).toBeNull();
  });
});
