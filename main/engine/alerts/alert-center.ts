import type { Alert, AlertKind } from '../../../preload/api';
import { ALERT_KINDS } from '../../../preload/api';
import { scrubSecrets } from '../redact';
import type { AlertFacts, EvaluatedAlert } from './evaluate-alerts';
import { evaluateAlerts } from './evaluate-alerts';

/** Desktop: Electron Notification; headless: a log line. Called once per newly raised alert. */
export interface Notifier {
  notify(alert: Alert): void | Promise<void>;
}

export interface AlertState {
  active: Alert[];
}

export interface AlertStore {
  load(): Promise<AlertState | null> | AlertState | null;
  save(state: AlertState): Promise<void> | void;
  /** Runs a load, decision and save as one, for every process sharing the store (absent: one process only). */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface AlertUpdate {
  active: Alert[];
  raised: Alert[];
  closed: Alert[];
}

export function memoryAlertStore(initial: AlertState | null = null): AlertStore & { current: AlertState | null } {
  const store = {
    current: initial,
    load: () => store.current,
    save: (state: AlertState) => {
      store.current = structuredClone(state);
    },
  };
  return store;
}

/** A Notifier for headless use: one line per new alert. */
export function lineNotifier(write: (line: string) => void): Notifier {
  return { notify: (alert) => write(`ALERT [${alert.severity}] ${alert.title} Remediation: ${alert.remediation}`) };
}

/**
 * Keeps the set of active alerts. Each update re-evaluates the rules; an
 * alert still holding keeps its id and first raisedAt (texts and detail are
 * refreshed), a new one is notified once, one that no longer holds is closed.
 * The state is persisted so a restart neither forgets nor re-notifies alerts,
 * and read again before each update, so neither does another process of the
 * station that updated it meanwhile.
 */
export class AlertCenter {
  private active: Alert[] | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      store: AlertStore;
      notifier?: Notifier;
      onChange?: (alerts: Alert[]) => void;
      /** Every alert raised or closed by an update, whatever its kind (notifications: email, webhook, system log). Must not wait. */
      onTransitions?: (raised: readonly Alert[], closed: readonly Alert[]) => void;
      onError?: (error: unknown) => void;
    },
  ) {}

  /**
   * Re-evaluates the rules. Kinds in `keep` stay as they are (active or not):
   * their facts are unknown this time (e.g. the share has not been listed
   * since a restart), which is no reason to close or raise them.
   */
  update(facts: AlertFacts, keep: readonly AlertKind[] = []): Promise<AlertUpdate> {
    const result = this.chain.then(() => this.apply(evaluateAlerts(facts), new Set(keep)));
    this.chain = result.catch(() => undefined);
    return result;
  }

  async list(): Promise<Alert[]> {
    await this.chain;
    return [...(await this.load())];
  }

  private async apply(evaluated: EvaluatedAlert[], keep: ReadonlySet<AlertKind>): Promise<AlertUpdate> {
    const shown = this.active;
    const exclusive = this.deps.store.exclusive?.bind(this.deps.store) ?? ((fn) => fn());
    // Read again, not remembered, and decided under the store's lock: another process on this station
    // (a CLI backup beside a running console) may have raised or closed an alert since, and notified of
    // it; this update must not again.
    const { previous, next } = await exclusive(async () => {
      this.active = null;
      const previous = await this.load();
      const next = this.next(previous, evaluated, keep);
      if (!sameAlerts(previous, next)) await this.deps.store.save({ active: next });
      return { previous, next };
    });
    this.active = next;
    const byKind = new Set(previous.map((a) => a.kind));
    const raised = next.filter((a) => !byKind.has(a.kind));
    const stillActive = new Set(next.map((a) => a.kind));
    const closed = previous.filter((a) => !stillActive.has(a.kind));
    // What this process shows changed, by its own update or by another process's — or it shows them for the
    // first time (a service that starts after a CLI command raised one says so in its log).
    if (shown === null || !sameAlerts(shown, next)) this.deps.onChange?.([...next]);
    if (raised.length > 0 || closed.length > 0) this.deps.onTransitions?.(raised, closed);
    for (const alert of raised) {
      try {
        await this.deps.notifier?.notify(alert);
      } catch (error) {
        this.deps.onError?.(error);
      }
    }
    return { active: [...next], raised, closed };
  }

  /** The alerts that hold now: one still holding keeps its id and first raisedAt; kinds in `keep` stay as they were. */
  private next(previous: readonly Alert[], evaluated: EvaluatedAlert[], keep: ReadonlySet<AlertKind>): Alert[] {
    const byKind = new Map(previous.map((a) => [a.kind, a]));
    const kept = previous.filter((a) => keep.has(a.kind));
    const fresh: Alert[] = evaluated
      .filter((e) => !keep.has(e.kind))
      .map((e) => {
        const prior = byKind.get(e.kind);
        const alert: Alert = {
          ...e,
          title: scrubSecrets(e.title),
          id: prior?.id ?? `${e.kind}@${e.raisedAt}`,
          raisedAt: prior?.raisedAt ?? e.raisedAt,
        };
        if (e.detail !== undefined) alert.detail = scrubSecrets(e.detail);
        return alert;
      });
    const order = (a: Alert): number => ALERT_KINDS.indexOf(a.kind);
    return [...fresh, ...kept].sort((a, b) => order(a) - order(b));
  }

  private async load(): Promise<Alert[]> {
    if (this.active === null) this.active = [...((await this.deps.store.load())?.active ?? [])];
    return this.active;
  }
}

/** The same alerts, whatever order each one's fields were written in (read from the file, or built by an update). */
function sameAlerts(a: readonly Alert[], b: readonly Alert[]): boolean {
  const fields = (alerts: readonly Alert[]): string =>
    JSON.stringify(alerts.map((x) => [x.id, x.kind, x.severity, x.title, x.remediation, x.raisedAt, x.detail ?? null]));
  return fields(a) === fields(b);
}
