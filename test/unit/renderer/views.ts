import type { AppInfo, BackupSummary, EssentialsView, ScheduleView, SettingsView, JobProgress } from '../../../preload/api';

export function appInfo(localPathStyle: AppInfo['localPathStyle']): AppInfo {
  return {
    productName: 'Infrastructure Backup Console',
    version: '0.1.0',
    frontDoor: 'web',
    configDir: '/var/lib/infra-backup',
    secretStorage: 'A 0600 key file.',
    localPathStyle,
    notices: [],
  };
}

export const UNCONFIGURED: SettingsView = {
  configured: false,
  location: '',
  locationKind: 'unset',
  username: '',
  passwordSet: false,
  smbPort: 445,
  frequencyHours: 12,
  retentionDays: 7,
  almostFullPercent: 80,
  automaticBackups: true,
  encryption: { mode: 'none' },
  signingPublicKey: null,
};

export const CONFIGURED: SettingsView = {
  ...UNCONFIGURED,
  configured: true,
  location: '\\\\fileserver01.contoso.com\\AzSBackups',
  locationKind: 'smb',
  username: 'CONTOSO\\backupshareuser',
  passwordSet: true,
  encryption: {
    mode: 'certificate',
    certificate: {
      thumbprint: '6778F7F0DB0893C1C22088F2097FDFF31A14B56A',
      thumbprintSha256: 'FE',
      subject: 'CN=backup.contoso.com',
      issuer: 'CN=backup.contoso.com',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2027-01-01T00:00:00.000Z',
      keyAlgorithm: 'RSA',
      keyBits: 2048,
      warnings: [],
    },
  },
};

export const SCHEDULE: ScheduleView = {
  enabled: true,
  disabledSince: null,
  frequencyHours: 12,
  anchor: '2026-11-01T00:00:00.000Z',
  nextBackupTime: '2026-11-29T12:00:00.000Z',
  upcoming: [],
  pause: null,
};

export function essentialsOf(settings: SettingsView): EssentialsView {
  return {
    settings,
    schedule: SCHEDULE,
    capacity: { freeBytes: null, totalBytes: null, measuredAt: null, readFailure: null },
    lastSuccessfulBackup: null,
    lastAttempt: null,
    activeJob: null,
    alertCount: 0,
  };
}

export function backup(backupId: string, sizeBytes = 1024, state: BackupSummary['state'] = 'Succeeded'): BackupSummary {
  return {
    backupId,
    createdAt: '2026-11-20T10:00:00.000Z',
    completedAt: '2026-11-20T10:03:00.000Z',
    state,
    trigger: 'scheduled',
    sizeBytes,
    certificateThumbprint: '6778F7F0DB0893C1C22088F2097FDFF31A14B56A',
    encryptionMode: 'certificate',
    recoveryReady: true,
    expiresAt: null,
  };
}

/** A running job's progress: the one the fake engine's tests follow (`overrides` for its state and figures). */
export function jobOf(overrides: Partial<JobProgress> = {}): JobProgress {
  return {
    jobId: 'j',
    backupId: '20261129T000000Z-abcdef',
    trigger: 'on-demand',
    state: 'Creating',
    component: null,
    bytesDone: 0,
    bytesTotal: null,
    bytesPerSecond: 0,
    etaSeconds: null,
    startedAt: '2026-11-29T00:00:00.000Z',
    ...overrides,
  };
}
