import type { ApiEvent } from '../../../preload/api';

export type EventListener = (event: ApiEvent) => void;

/** Fan-out of engine events to every front door (IPC window, web event stream, CLI). */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: ApiEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed window, a dropped HTTP stream) must not stop the others.
      }
    }
  }
}
