/**
 * Settings file migrations. Each step takes the previous version's object and
 * returns the next one, plus the secrets to move into the SecretStore (older
 * files held them in the file itself). Steps are pure so they can be tested
 * without disk.
 *
 * Version 0 is the pre-release format: the Azure Stack BackupLocation fields
 * flat in the file (`path`, `userName`, `password`, `encryptionKeyBase64`,
 * `backupFrequencyInHours`, `backupRetentionPeriodInDays`,
 * `isBackupSchedulerEnabled`), no `schemaVersion`. A file with a legacy
 * `encryptionKeyBase64` arrives in backwards-compatibility mode.
 */
import { FREQUENCY_HOURS, RETENTION_DAYS, tryParseUncLocation } from '../../../common/settings-schema';
import { SECRET_NAMES } from '../secrets/secret-store';
import { CURRENT_SCHEMA_VERSION, defaultStoredSettings } from './stored-settings';

export interface MigrationResult {
  data: Record<string, unknown>;
  secrets: Array<{ name: string; value: string }>;
  notices: string[];
}

type Migration = (data: Record<string, unknown>, now: Date) => MigrationResult;

const V0_KEYS = [
  'path',
  'userName',
  'password',
  'encryptionKeyBase64',
  'backupFrequencyInHours',
  'backupRetentionPeriodInDays',
  'isBackupSchedulerEnabled',
];

const migrateV0toV1: Migration = (data, now) => {
  const secrets: MigrationResult['secrets'] = [];
  const notices: string[] = [];
  const next: Record<string, unknown> = { ...defaultStoredSettings() };
  for (const [key, value] of Object.entries(data)) if (!V0_KEYS.includes(key)) next[key] = value;
  const path = typeof data.path === 'string' ? data.path : '';
  const parsed = path ? tryParseUncLocation(path) : null;
  next.location = parsed?.ok ? parsed.location.normalized : path;
  next.configured = path !== '';
  next.username = typeof data.userName === 'string' ? data.userName : '';
  next.frequencyHours = data.backupFrequencyInHours ?? FREQUENCY_HOURS.default;
  next.retentionDays = data.backupRetentionPeriodInDays ?? RETENTION_DAYS.default;
  next.automaticBackups = data.isBackupSchedulerEnabled ?? true;
  if (typeof data.password === 'string' && data.password !== '') secrets.push({ name: SECRET_NAMES.sharePassword, value: data.password });
  if (typeof data.encryptionKeyBase64 === 'string' && data.encryptionKeyBase64 !== '') {
    secrets.push({ name: SECRET_NAMES.legacyEncryptionKey, value: data.encryptionKeyBase64 });
    next.encryption = { mode: 'legacy-key', since: now.toISOString() };
    notices.push(
      'The settings carried over an encryption key: backups continue in backwards-compatibility mode. Encryption keys are deprecated; switch to a certificate.',
    );
  }
  if (secrets.length > 0)
    notices.push('Secrets found in the old settings file were moved into encrypted storage and removed from the file.');
  return { data: next, secrets, notices };
};

/** MIGRATIONS[n] turns version n into version n + 1. */
const MIGRATIONS: Migration[] = [migrateV0toV1];

export function schemaVersionOf(data: Record<string, unknown>): number {
  return typeof data.schemaVersion === 'number' ? data.schemaVersion : 0;
}

/** Brings any older file up to CURRENT_SCHEMA_VERSION. Throws for a file written by a newer console. */
export function migrateToCurrent(data: Record<string, unknown>, now: Date): MigrationResult & { migrated: boolean } {
  let version = schemaVersionOf(data);
  if (!Number.isInteger(version) || version > CURRENT_SCHEMA_VERSION) {
    throw new Error(`schemaVersion ${String(data.schemaVersion)} is newer than this console understands (${CURRENT_SCHEMA_VERSION})`);
  }
  let current: MigrationResult = { data, secrets: [], notices: [] };
  const migrated = version < CURRENT_SCHEMA_VERSION;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`no migration from schemaVersion ${version}`);
    const result = step(current.data, now);
    current = { data: result.data, secrets: [...current.secrets, ...result.secrets], notices: [...current.notices, ...result.notices] };
    version += 1;
  }
  return { ...current, migrated };
}
