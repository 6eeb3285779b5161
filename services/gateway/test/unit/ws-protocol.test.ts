import type { UserEvent } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { ConnectionRegistry, type HubConnection } from '../../src/ws/hub.js';
import { parseClientMessage, pongTo } from '../../src/ws/protocol.js';
import { offeredSubprotocols, redactTarget, upgradeAuthorization } from '../../src/ws/token.js';

describe('client messages', () => {
  it('accepts ping and resume', () => {
    expect(parseClientMessage('{"type":"ping","data":{"t":1}}')).toEqual({
      ok: true,
      message: { type: 'ping', data: { t: 1 } },
    });
    const resume = parseClientMessage('{"type":"resume","data":{"lastSeq":"1700000000000-3"}}');
    expect(resume.ok && resume.message).toEqual({ type: 'resume', data: { lastSeq: '1700000000000-3' } });
  });

  it.each([
    'not json',
    '{"type":"subscribe","data":{"userId":"other"}}',
    '{"type":"resume","data":{"lastSeq":7}}',
    `{"type":"resume","data":{"lastSeq":"${'1'.repeat(65)}"}}`,
    '{"type":"resume","data":{}}',
    '[]',
  ])('rejects %s', (text) => {
    expect(parseClientMessage(text).ok).toBe(false);
  });

  it('replies pong to ping', () => {
    expect(pongTo({ type: 'ping', data: 1 })).toEqual({ type: 'pong', data: 1 });
    expect(pongTo({ type: 'ping' })).toEqual({ type: 'pong', data: null });
  });
});

describe('upgrade token', () => {
  it('prefers Authorization, then the bearer subprotocol, then the query', () => {
    const q = new URLSearchParams('access_token=fromquery');
    expect(upgradeAuthorization({ authorization: 'Bearer a' }, q)).toBe('Bearer a');
    expect(upgradeAuthorization({ 'sec-websocket-protocol': 'elwosa.v1, bearer.b.c.d' }, q)).toBe(
      'Bearer b.c.d',
    );
    expect(upgradeAuthorization({}, q)).toBe('Bearer fromquery');
    expect(upgradeAuthorization({}, new URLSearchParams())).toBeUndefined();
  });

  it('lists offered subprotocols', () => {
    expect(offeredSubprotocols({ 'sec-websocket-protocol': ' elwosa.v1 ,bearer.x' })).toEqual([
      'elwosa.v1',
      'bearer.x',
    ]);
  });

  it('redacts the token from logged targets', () => {
    expect(redactTarget('/ws?a=1&access_token=secret.jwt&b=2')).toBe('/ws?a=1&access_token=[redacted]&b=2');
    expect(redactTarget('/ws?ACCESS_TOKEN=secret')).toBe('/ws?ACCESS_TOKEN=[redacted]');
  });
});

describe('connection registry', () => {
  const connection = (id: string, userId: string, got: UserEvent[], accept = true): HubConnection => ({
    id,
    userId,
    deliver: (event) => {
      if (accept) got.push(event);
      return accept;
    },
    close: () => {},
  });
  const event = (userId: string): UserEvent => ({
    userId,
    seq: '1-0',
    type: 'task.created',
    data: { id: 1 },
  });

  it("delivers to every connection of the event's user only", () => {
    const hub = new ConnectionRegistry();
    const a1: UserEvent[] = [];
    const a2: UserEvent[] = [];
    const b: UserEvent[] = [];
    const ca1 = connection('1', 'a', a1);
    hub.add(ca1);
    hub.add(ca1);
    hub.add(connection('2', 'a', a2));
    hub.add(connection('3', 'b', b));
    hub.add(connection('4', 'a', [], false));
    expect(hub.size).toBe(4);
    expect(hub.deliver(event('a'))).toBe(2);
    expect(a1).toEqual([event('a')]);
    expect(a2).toHaveLength(1);
    expect(b).toHaveLength(0);
    hub.remove(ca1);
    hub.remove(ca1);
    expect(hub.size).toBe(3);
    expect(hub.connectionsOf('a').map((c) => c.id)).toEqual(['2', '4']);
    expect(hub.deliver(event('nobody'))).toBe(0);
  });
});
