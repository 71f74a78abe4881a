import { describe, expect, it } from 'vitest';
import { durationWords } from '../../../common/duration-words';

describe("a run's duration in words (window, timeline summaries, service log)", () => {
  it('a fraction of a second is "less than 1 s", never "0 s" (as if the backup took no time)', () => {
    expect(durationWords(0)).toBe('less than 1 s');
    expect(durationWords(0.4)).toBe('less than 1 s');
    expect(durationWords(0.4, true)).toBe('less than 1 s');
  });

  it('seconds, then minutes (rounded, or with their seconds), then hours', () => {
    expect(durationWords(0.6)).toBe('1 s');
    expect(durationWords(42)).toBe('42 s');
    expect(durationWords(303)).toBe('5 min');
    expect(durationWords(303, true)).toBe('5 min 3 s');
    expect(durationWords(2 * 3600 + 5 * 60)).toBe('2 h 5 min');
  });
});
