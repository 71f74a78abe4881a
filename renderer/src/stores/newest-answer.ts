/**
 * A question the console asks the engine again and again (the alerts, the
 * running job, the timeline): answers can come back in another order than
 * asked, and events can arrive while one is in flight. Only the answer to
 * the newest question counts, and an event that says what is now true makes
 * every answer still in flight older than it.
 */
export interface NewestAnswer {
  /** Marks a question asked; the returned check says whether its answer is still the newest word. */
  ask(): () => boolean;
  /** An event told the truth: answers to questions asked before now are stale. */
  told(): void;
}

export function newestAnswer(): NewestAnswer {
  let generation = 0;
  return {
    ask() {
      const asked = ++generation;
      return () => asked === generation;
    },
    told() {
      generation++;
    },
  };
}
