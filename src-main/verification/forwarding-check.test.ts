import { describe, expect, it } from 'vitest';
import { forwardingPath } from './forwarding-check';
import type { HeaderField } from './message-shape';

const h = (name: string, value: string): HeaderField => ({ name, value });

describe('forwardingPath', () => {
  it('reads the envelope recipients oldest first from Received "for" and Delivered-To, merging repeats', () => {
    const headers = [
      h('Delivered-To', 'desk@x.zendesk.com'),
      h('Received', 'from mx.acme.test (mx.acme.test [192.0.2.1]) by mx.zendesk.com with ESMTPS id 1 for <desk@x.zendesk.com>; Mon, 23 Nov 2026 10:00:00 +0000'),
      h('Delivered-To', 'support@acme.test'),
      h('Received', 'from relay (relay [192.0.2.9]) by mx.acme.test with ESMTP id 2 for <support@acme.test>; Mon, 23 Nov 2026 09:59:59 +0000'),
      h('Received', 'from client (client [198.51.100.7]) by relay.acme.test with ESMTPSA id 3; Mon, 23 Nov 2026 09:59:58 +0000'),
    ];
    expect(forwardingPath(headers, 'Support@acme.test')).toEqual({ recipients: ['support@acme.test', 'desk@x.zendesk.com'], hops: 1 });
  });

  it('counts every change of recipient and every X-Forwarded-To field (Gmail), whichever shows more hops', () => {
    const chain = [
      h('Received', 'from a by c with ESMTP for <c@c.test>; Mon, 23 Nov 2026 10:00:02 +0000'),
      h('Received', 'from a by b with ESMTP (for <ignored@comment.test>) for b@b.test; Mon, 23 Nov 2026 10:00:01 +0000'),
    ];
    expect(forwardingPath(chain, 'a@a.test')).toEqual({ recipients: ['a@a.test', 'b@b.test', 'c@c.test'], hops: 2 });
    const gmail = [h('X-Forwarded-To', 'c@c.test'), h('X-Forwarded-For', 'b@b.test c@c.test'), h('X-Forwarded-To', 'c@c.test'), h('Delivered-To', 'c@c.test')];
    expect(forwardingPath(gmail, 'a@a.test').hops).toBe(2);
  });

  it('no recipient in the headers: no hop seen', () => {
    expect(forwardingPath([h('Received', 'from x by y with LMTP id 1; Mon, 23 Nov 2026 10:00:00 +0000')], 'a@a.test')).toEqual({ recipients: ['a@a.test'], hops: 0 });
  });
});
