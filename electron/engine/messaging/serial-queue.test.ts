import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one after another, in order', async () => {
    const queue = new SerialQueue();
    const seen: string[] = [];
    const slow = queue.push(async () => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push('first');
    }, () => undefined);
    const fast = queue.push(async () => void seen.push('second'), () => undefined);
    await Promise.all([slow, fast]);
    expect(seen).toEqual(['first', 'second']);
  });

  it('hands a rethrown error to its caller and still runs the next task', async () => {
    const queue = new SerialQueue();
    const failed = queue.push(() => Promise.reject(new Error('sign-in failed')), (e) => {
      throw e;
    });
    await expect(failed).rejects.toThrow('sign-in failed');
    let ran = false;
    await queue.push(async () => void (ran = true), (e) => {
      throw e;
    });
    expect(ran).toBe(true);
    await expect(queue.idle()).resolves.toBeUndefined();
  });

  it('reports a failure to onError without rejecting', async () => {
    const queue = new SerialQueue();
    const errors: unknown[] = [];
    await queue.push(() => Promise.reject(new Error('bad stanza')), (e) => void errors.push(e));
    expect(errors).toHaveLength(1);
    await expect(queue.idle()).resolves.toBeUndefined();
  });
});
