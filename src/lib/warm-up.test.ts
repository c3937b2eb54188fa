import { afterEach, describe, expect, it } from 'vitest';
import { WARM_UP_MARK, warmUp } from './warm-up';

/** A minimal browser: document.readyState, load listeners, idle callbacks run by hand, marks. */
function fakeBrowser(readyState: 'loading' | 'complete') {
  const idle: (() => void)[] = [];
  const loadListeners: (() => void)[] = [];
  const marks: string[] = [];
  const g = globalThis as Record<string, unknown>;
  g.document = { readyState };
  g.window = {
    requestIdleCallback: (run: () => void) => idle.push(run),
    cancelIdleCallback: (id: number) => {
      idle[id - 1] = () => {};
    },
    addEventListener: (type: string, listener: () => void) => type === 'load' && loadListeners.push(listener),
    removeEventListener: (type: string, listener: () => void) => {
      const at = loadListeners.indexOf(listener);
      if (type === 'load' && at >= 0) loadListeners.splice(at, 1);
    },
  };
  const realMark = performance.mark.bind(performance);
  performance.mark = ((name: string) => {
    marks.push(name);
    return realMark(name);
  }) as typeof performance.mark;
  return {
    marks,
    runIdle: () => idle.splice(0).forEach((run) => run()),
    fireLoad: () => loadListeners.splice(0).forEach((listener) => listener()),
  };
}

afterEach(() => {
  const g = globalThis as Record<string, unknown>;
  delete g.window;
  delete g.document;
});

describe('warmUp', () => {
  it('loads once the page has loaded and the browser is idle, after setting the mark', async () => {
    const browser = fakeBrowser('loading');
    const loaded: string[] = [];
    warmUp(async () => void loaded.push('chunk'));
    browser.runIdle();
    expect(loaded).toEqual([]);
    browser.fireLoad();
    expect(loaded).toEqual([]);
    browser.runIdle();
    expect(loaded).toEqual(['chunk']);
    expect(browser.marks).toContain(WARM_UP_MARK);
  });

  it('does not load when cancelled first', () => {
    const browser = fakeBrowser('complete');
    const loaded: string[] = [];
    const cancel = warmUp(async () => void loaded.push('chunk'));
    cancel();
    browser.runIdle();
    browser.fireLoad();
    expect(loaded).toEqual([]);
  });

  it('swallows a failed load (offline): the chunk is fetched again when needed', async () => {
    const browser = fakeBrowser('complete');
    let attempts = 0;
    warmUp(() => {
      attempts++;
      return Promise.reject(new Error('offline'));
    });
    browser.runIdle();
    await new Promise((r) => setTimeout(r, 0));
    expect(attempts).toBe(1);
  });

  it('does nothing on the server', () => {
    let attempts = 0;
    warmUp(async () => void attempts++)();
    expect(attempts).toBe(0);
  });
});
