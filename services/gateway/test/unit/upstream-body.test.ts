import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type BodySink, UpstreamBody } from '../../src/proxy/upstream-body.js';

function controller() {
  const calls: string[] = [];
  return {
    calls,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    abort: (reason: Error) => calls.push(`abort: ${reason.message}`),
  };
}

/** A sink that takes `capacity` writes before it reports backpressure. */
function sink(capacity = Number.POSITIVE_INFINITY) {
  const events = new EventEmitter();
  const written: string[] = [];
  const state = { ended: false, destroyed: false };
  const target: BodySink = {
    write(chunk) {
      written.push(chunk.toString());
      return written.length < capacity;
    },
    end() {
      state.ended = true;
    },
    destroy() {
      state.destroyed = true;
    },
    once(event, listener) {
      events.once(event, listener);
    },
  };
  return { target, written, state, events };
}

describe('UpstreamBody', () => {
  it('holds chunks that arrive before the sink attaches, then delivers them in order', async () => {
    const body = new UpstreamBody(controller());
    body.push(Buffer.from('a'));
    body.push(Buffer.from('b'));
    body.end();
    const s = sink();
    await body.pipeTo(s.target);
    expect(s.written).toEqual(['a', 'b']);
    expect(s.state.ended).toBe(true);
  });

  it('streams chunks as they come and resolves when the upstream ends', async () => {
    const body = new UpstreamBody(controller());
    const s = sink();
    const done = body.pipeTo(s.target);
    body.push(Buffer.from('x'));
    body.push(Buffer.from('y'));
    expect(s.state.ended).toBe(false);
    body.end();
    await done;
    expect(s.written).toEqual(['x', 'y']);
    expect(s.state.ended).toBe(true);
  });

  it('pauses the upstream while the client is slow and resumes on drain', async () => {
    const c = controller();
    const body = new UpstreamBody(c);
    const s = sink(1);
    const done = body.pipeTo(s.target);
    body.push(Buffer.from('1'));
    expect(c.calls).toEqual(['pause']);
    s.events.emit('drain');
    expect(c.calls).toEqual(['pause', 'resume']);
    body.end();
    await done;
  });

  it('destroys the client response when the upstream breaks off', async () => {
    const body = new UpstreamBody(controller());
    const s = sink();
    const done = body.pipeTo(s.target);
    body.push(Buffer.from('partial'));
    body.fail();
    await done;
    expect(s.state.destroyed).toBe(true);
    expect(s.state.ended).toBe(false);
  });

  it('aborts the upstream call when the client goes away mid-body', async () => {
    const c = controller();
    const body = new UpstreamBody(c);
    const s = sink();
    const done = body.pipeTo(s.target);
    s.events.emit('close');
    await done;
    expect(c.calls).toEqual(['abort: the client went away']);
  });

  it('reads a whole body as text, and refuses one that broke off', async () => {
    const whole = new UpstreamBody(controller());
    whole.push(Buffer.from('{"ok":'));
    whole.push(Buffer.from('true}'));
    whole.end();
    expect(await whole.text()).toBe('{"ok":true}');
    const broken = new UpstreamBody(controller());
    broken.fail();
    await expect(broken.text()).rejects.toThrow('broke off');
  });

  it('aborts the upstream call when the body is discarded unread, once', () => {
    const c = controller();
    const body = new UpstreamBody(c);
    body.push(Buffer.from('never sent'));
    body.discard();
    body.discard();
    expect(c.calls).toEqual(['abort: the response was not forwarded']);
  });
});
