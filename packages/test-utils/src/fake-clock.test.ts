import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

const START = Date.parse('2026-01-01T00:00:00Z');

describe('FakeClock', () => {
  it('starts at 2026-01-01 by default, or at the given date, and returns fresh Dates', () => {
    const clock = new FakeClock();
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const mutated = clock.now();
    mutated.setTime(0);
    expect(clock.now().getTime()).toBe(START);
    expect(new FakeClock(new Date('2030-05-05T05:05:05.555Z')).now().toISOString()).toBe(
      '2030-05-05T05:05:05.555Z',
    );
  });

  it('never fires a timer synchronously, even with a zero delay', async () => {
    const clock = new FakeClock();
    let fired = 0;
    clock.setTimer(() => fired++, 0);
    expect(fired).toBe(0);
    await clock.advance(0);
    expect(fired).toBe(1);
  });

  it('fires due timers in time order (ties in creation order), each at its due time', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const arm = (name: string, ms: number) =>
      clock.setTimer(() => log.push(`${name}@${clock.now().getTime() - START}`), ms);
    arm('c', 300);
    arm('a', 100);
    arm('b1', 200);
    arm('b2', 200);
    arm('late', 1000);
    await clock.advance(500);
    expect(log).toEqual(['a@100', 'b1@200', 'b2@200', 'c@300']);
    expect(clock.now().getTime()).toBe(START + 500);
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(499);
    expect(log).toHaveLength(4);
    await clock.advance(1);
    expect(log.at(-1)).toBe('late@1000');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('clearTimer prevents a pending call', async () => {
    const clock = new FakeClock();
    let fired = 0;
    const handle = clock.setTimer(() => fired++, 10);
    clock.setTimer(() => fired++, 20);
    clock.clearTimer(handle);
    clock.clearTimer(handle);
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(100);
    expect(fired).toBe(1);
  });

  it('fires timers armed by async work of a fired timer when they fall due within the window', async () => {
    const clock = new FakeClock();
    const log: number[] = [];
    const step = async (n: number): Promise<void> => {
      log.push(clock.now().getTime() - START);
      await Promise.resolve();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (n < 5) clock.setTimer(() => void step(n + 1), 100);
    };
    clock.setTimer(() => void step(1), 100);
    await clock.advance(350);
    expect(log).toEqual([100, 200, 300]);
    expect(clock.now().getTime()).toBe(START + 350);
    await clock.advance(1000);
    expect(log).toEqual([100, 200, 300, 400, 500]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('fires a zero-delay timer armed by async work at the very end of the window', async () => {
    const clock = new FakeClock();
    let fired = false;
    clock.setTimer(() => {
      void Promise.resolve().then(() => clock.setTimer(() => (fired = true), 0));
    }, 100);
    await clock.advance(100);
    expect(fired).toBe(true);
  });

  it('runAll fires everything in order and leaves time at the last due time', async () => {
    const clock = new FakeClock();
    const log: number[] = [];
    clock.setTimer(() => log.push(2), 2000);
    clock.setTimer(() => {
      log.push(1);
      clock.setTimer(() => log.push(3), 5000);
    }, 1000);
    await clock.runAll();
    expect(log).toEqual([1, 2, 3]);
    expect(clock.now().getTime()).toBe(START + 6000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('set() moves forward without firing, never backwards', async () => {
    const clock = new FakeClock();
    let fired = 0;
    clock.setTimer(() => fired++, 1000);
    clock.set(new Date(START + 5000));
    expect(clock.now().getTime()).toBe(START + 5000);
    expect(fired).toBe(0);
    expect(() => clock.set(new Date(START + 4999))).toThrow(RangeError);
    expect(clock.now().getTime()).toBe(START + 5000);
    clock.set(new Date(START + 5000));
    await clock.advance(0);
    expect(fired).toBe(1);
    expect(clock.now().getTime()).toBe(START + 5000);
  });

  it('rejects a negative advance and propagates a throwing timer', async () => {
    const clock = new FakeClock();
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    clock.setTimer(() => {
      throw new Error('timer failed');
    }, 10);
    await expect(clock.advance(10)).rejects.toThrow('timer failed');
    expect(clock.pendingTimers()).toBe(0);
  });
});
