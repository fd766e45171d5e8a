/** Time source. Services take a Clock so tests can move time (idle and absolute expiry). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
