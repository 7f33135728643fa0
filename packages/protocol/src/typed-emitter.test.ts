import { afterEach, describe, expect, test, vi } from 'vitest';
import { TypedEmitter } from './typed-emitter.js';

enum DemoEvent {
  Ping = 'ping',
  Pair = 'pair',
}

type DemoCallbacks = {
  ping: () => void;
  pair: (a: number, b: string) => void;
};

class Demo extends TypedEmitter<DemoCallbacks> {}

describe('TypedEmitter', () => {
  afterEach(() => vi.restoreAllMocks());

  test('delivers arguments in registration order; accepts enum members and strings', () => {
    const demo = new Demo();
    const calls: string[] = [];
    demo.on(DemoEvent.Pair, (a, b) => calls.push(`1:${a}${b}`));
    demo.on('pair', (a, b) => calls.push(`2:${a}${b}`));
    expect(demo.emit(DemoEvent.Pair, 1, 'x')).toBe(true);
    expect(calls).toEqual(['1:1x', '2:1x']);
    expect(demo.emit(DemoEvent.Ping)).toBe(false);
  });

  test('a throwing listener is reported and does not stop the others', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const demo = new Demo();
    const after = vi.fn();
    demo.on(DemoEvent.Ping, () => {
      throw new Error('boom');
    });
    demo.on(DemoEvent.Ping, after);
    expect(() => demo.emit(DemoEvent.Ping)).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalledOnce();
  });

  test('once, off and removeAllListeners', () => {
    const demo = new Demo();
    const once = vi.fn();
    const always = vi.fn();
    demo.once(DemoEvent.Ping, once).on(DemoEvent.Ping, always);
    demo.emit(DemoEvent.Ping);
    demo.emit(DemoEvent.Ping);
    expect(once).toHaveBeenCalledOnce();
    expect(always).toHaveBeenCalledTimes(2);
    demo.off(DemoEvent.Ping, always);
    expect(demo.listenerCount(DemoEvent.Ping)).toBe(0);
    demo.on(DemoEvent.Ping, always).on(DemoEvent.Pair, vi.fn());
    demo.removeAllListeners();
    expect(demo.listenerCount(DemoEvent.Ping) + demo.listenerCount(DemoEvent.Pair)).toBe(0);
  });

  test('listeners added or removed during an emit take effect on the next emit', () => {
    const demo = new Demo();
    const late = vi.fn();
    const second = vi.fn();
    demo.on(DemoEvent.Ping, () => {
      demo.on(DemoEvent.Ping, late);
      demo.off(DemoEvent.Ping, second);
    });
    demo.on(DemoEvent.Ping, second);
    demo.emit(DemoEvent.Ping);
    expect(second).toHaveBeenCalledOnce();
    expect(late).not.toHaveBeenCalled();
    demo.emit(DemoEvent.Ping);
    expect(late).toHaveBeenCalledOnce();
    expect(second).toHaveBeenCalledOnce();
  });

  test('rejects a non-function listener', () => {
    expect(() => new Demo().on(DemoEvent.Ping, 'nope' as never)).toThrow(TypeError);
  });

  test('reports a throwing listener and a rejected async listener to onListenerError, with the event name', async () => {
    const reported: [string, string][] = [];
    const demo = new TypedEmitter<DemoCallbacks>((event, error) => reported.push([event, (error as Error).message]));
    const after = vi.fn();
    demo.on('ping', () => {
      throw new Error('sync');
    });
    demo.on('ping', async () => {
      await Promise.resolve();
      throw new Error('async');
    });
    demo.on('ping', after);
    expect(() => demo.emit('ping')).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reported).toEqual([
      ['ping', 'sync'],
      ['ping', 'async'],
    ]);
  });

  test('without a handler, a rejected async listener goes to console.error (no unhandled rejection)', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const demo = new Demo();
    demo.on(DemoEvent.Ping, () => Promise.reject(new Error('later')));
    demo.emit(DemoEvent.Ping);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(error).toHaveBeenCalledOnce();
  });
});
