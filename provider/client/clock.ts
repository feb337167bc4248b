/** Time as the provider sees it; injected so tests drive deadlines, backoff and rate limits without sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** Node's timers take at most this; a longer delay silently becomes 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  // Settings are bounded far below the limit (settings.ts); a longer sleep is still taken in pieces, never as 1 ms.
  sleep: async (ms) => {
    for (let left = Math.max(0, ms); ; left -= MAX_TIMER_MS) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, MAX_TIMER_MS)));
      if (left <= MAX_TIMER_MS) return;
    }
  },
  random: () => Math.random(),
};
