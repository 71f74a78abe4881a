/**
 * The settings file: `<configDir>/settings.json`, read and written through
 * `conf` by every front door (the desktop's engine runs in its own plain-Node
 * process; a SettingsBackend is injected only by tests). conf writes atomically (temporary file +
 * rename, via `atomically`), so a crash never leaves half a file.
 *
 * A file that is not JSON, or whose content breaks the schema (hand edits),
 * is never silently replaced: it is kept aside as
 * `settings.corrupt-<timestamp>.json` (app/state-file.ts, as every state
 * file), a notice says so, and the console starts unconfigured. A byte order
 * mark (Windows editors) is not corruption: it is dropped.
 */
import { dirname, resolve } from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import type { SecretStore } from '../secrets/secret-store';
import { EngineError } from '../errors';
import { describeUnusable, hasByteOrderMark, keepAside, keptAsideNotice, readStateText, writeStateText } from '../app/state-file';
import { migrateToCurrent } from './migrations';
import { defaultStoredSettings, storedSettingsSchema, type StoredSettings } from './stored-settings';

export const SETTINGS_FILE_NAME = 'settings.json';
/** conf/electron-store keep their own bookkeeping under this key. */
const CONF_INTERNAL_KEY = '__internal__';

/** What conf and electron-store instances both provide. */
export interface SettingsBackend {
  readonly path: string;
  store: Record<string, unknown>;
}

export type OpenSettingsBackend = (configDir: string) => SettingsBackend;

/** The backend every front door uses (electron-store, which the desktop once used, writes the same file). */
export const openConfBackend: OpenSettingsBackend = (configDir) =>
  new Conf<Record<string, unknown>>({ cwd: configDir, configName: 'settings', configFileMode: 0o600, projectName: 'infra-backup-console' });

export interface SettingsStoreOptions {
  configDir: string;
  secrets: SecretStore;
  openBackend?: OpenSettingsBackend;
  now?: () => Date;
}

export class SettingsStore {
  readonly path: string;
  private readonly secrets: SecretStore;
  private readonly openBackend: OpenSettingsBackend;
  private readonly now: () => Date;
  private backend: SettingsBackend | null = null;
  private readonly noticeList: string[] = [];

  constructor(options: SettingsStoreOptions) {
    this.path = resolve(options.configDir, SETTINGS_FILE_NAME);
    this.secrets = options.secrets;
    this.openBackend = options.openBackend ?? openConfBackend;
    this.now = options.now ?? (() => new Date());
  }

  /** Findings the operator should see (file kept aside, migration done). */
  notices(): string[] {
    return [...this.noticeList];
  }

  /** The stored settings (defaults when there is no usable file). */
  read(): StoredSettings {
    const backend = this.open();
    let raw: Record<string, unknown>;
    try {
      raw = { ...backend.store };
    } catch (error) {
      this.keepAside(describeUnusable(error));
      return defaultStoredSettings();
    }
    delete raw[CONF_INTERNAL_KEY];
    if (Object.keys(raw).length === 0) return defaultStoredSettings();

    let migration: ReturnType<typeof migrateToCurrent>;
    try {
      migration = migrateToCurrent(raw, this.now());
    } catch (error) {
      this.keepAside(error instanceof Error ? error.message : String(error));
      return defaultStoredSettings();
    }
    const parsed = storedSettingsSchema.safeParse(migration.data);
    if (!parsed.success) {
      this.keepAside(describeIssues(parsed.error));
      return defaultStoredSettings();
    }
    if (migration.migrated) {
      // Secrets first: if the process dies between the two steps, the old file still has them.
      for (const secret of migration.secrets) this.secrets.set(secret.name, secret.value);
      this.write(parsed.data);
      this.noticeList.push(...migration.notices);
    }
    return parsed.data;
  }

  write(settings: StoredSettings): void {
    const checked = storedSettingsSchema.parse(settings);
    this.open().store = { ...checked };
  }

  /** Read, change, write. Other engine areas use this for their own keys (`sources`, `schedule`). */
  update(change: (settings: StoredSettings) => StoredSettings): StoredSettings {
    const next = change(this.read());
    this.write(next);
    return next;
  }

  private open(): SettingsBackend {
    if (this.backend) return this.backend;
    // conf parses the file in its constructor and throws on bad JSON (and on a byte order mark): check first.
    const text = readStateText(this.path);
    if (text !== null) {
      try {
        JSON.parse(text);
        if (hasByteOrderMark(this.path)) writeStateText(this.path, text);
      } catch (error) {
        this.keepAside(describeUnusable(error));
      }
    }
    const backend = this.openBackend(dirname(this.path));
    if (resolve(backend.path) !== this.path) {
      throw new EngineError({
        code: 'internal',
        message: `The settings backend uses ${backend.path} instead of ${this.path}.`,
        remediation: 'Configure the settings backend with the config folder as cwd and the name "settings".',
      });
    }
    this.backend = backend;
    return backend;
  }

  private keepAside(reason: string): void {
    const aside = keepAside(this.path, this.now());
    if (aside === null) return;
    this.noticeList.push(
      keptAsideNotice(
        this.path,
        reason,
        aside,
        `the console started unconfigured: enter the configuration again, or correct that file and put it back as ${this.path}.`,
      ),
    );
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : 'file'}: ${issue.message}`)
    .join('; ');
}
