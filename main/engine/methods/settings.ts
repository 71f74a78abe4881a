import type { BackupConsoleApi, SettingsInput, SettingsView } from '../../../preload/api';
import type { EngineCore } from '../engine-core';
import type { EngineContext } from '../context';
import { EngineError } from '../errors';
import type { BackupLocationFacts } from '../settings/backup-location-document';

type SettingsMethods = Pick<
  BackupConsoleApi,
  'getSettings' | 'saveSettings' | 'getCertificateHistory' | 'exportSettings' | 'importSettings' | 'clearConfiguration'
>;

/**
 * Lowering the retention period deletes backups at the next pass: the
 * operator sees exactly which ones first (a dry run) and must confirm.
 */
async function confirmRetentionLowering(ctx: EngineContext, core: EngineCore, input: SettingsInput): Promise<void> {
  const current = ctx.settings.service.stored();
  if (
    !current.configured ||
    input.retentionDays === undefined ||
    input.retentionDays >= current.retentionDays ||
    input.confirmRetentionDeletion
  )
    return;
  let listing: string;
  try {
    await core.snapshot.refresh();
    const preview = await core.retention.preview(input.retentionDays);
    if (preview.toDelete.length === 0) return;
    listing = `These ${preview.toDelete.length} backup(s) will be deleted: ${preview.toDelete.map((b) => b.backupId).join(', ')}.`;
  } catch {
    listing = 'The backups on the share could not be listed to show which would be deleted.';
  }
  throw new EngineError({
    code: 'confirmation-required',
    field: 'retentionDays',
    message: `Lowering the retention period from ${current.retentionDays} to ${input.retentionDays} days deletes older backups. ${listing}`,
    remediation: 'Archive any backup you need first, then confirm (CLI: --yes).',
  });
}

export function settingsMethods(
  ctx: EngineContext,
  core: EngineCore,
  isJobRunning: () => boolean,
  locationFacts: () => Promise<BackupLocationFacts>,
): SettingsMethods {
  const service = ctx.settings.service;
  const afterChange = async (before: SettingsView, after: SettingsView): Promise<void> => {
    const beforeThumbprint = before.encryption.mode === 'certificate' ? before.encryption.certificate.thumbprint : before.encryption.mode;
    const afterThumbprint = after.encryption.mode === 'certificate' ? after.encryption.certificate.thumbprint : after.encryption.mode;
    if (beforeThumbprint !== afterThumbprint && after.encryption.mode === 'certificate') {
      await core.history.append({
        kind: 'certificate-changed',
        summary: `Encryption certificate set: ${after.encryption.certificate.thumbprint} (${after.encryption.certificate.subject}). Keep its .pfx: new backups need it to restore.`,
      });
    }
    await core.history.append({
      kind: 'settings-changed',
      summary: `Backup settings saved: ${after.location || 'no location'}, every ${after.frequencyHours} h, kept ${after.retentionDays} days, automatic backups ${after.automaticBackups ? 'enabled' : 'disabled'}`,
    });
    await core.scheduler.follow(service.stored());
    // The maintenance service hears it: a new location is listed, a lowered retention period applied, alerts re-evaluated.
    ctx.events.publish({ type: 'settings-changed', settings: after });
  };
  return {
    getSettings: async () => service.view(),
    saveSettings: async (input) => {
      await confirmRetentionLowering(ctx, core, input);
      const before = service.view();
      const view = service.save(input);
      ctx.logger.info({ fields: Object.keys(input).filter((key) => !/password|key/i.test(key)) }, 'settings saved');
      await afterChange(before, view);
      return view;
    },
    getCertificateHistory: async () => {
      // Which backups each certificate protects comes from the share (the source of truth), when reachable.
      const listing = await core.snapshot.refresh().catch((error: unknown) => {
        ctx.logger.debug({ err: error }, 'share not listed');
        return core.snapshot.known() ?? [];
      });
      return service.certificateHistory().map((entry) => ({
        ...entry,
        backupIds: listing.filter((b) => b.certificateThumbprint === entry.thumbprint).map((b) => b.backupId),
      }));
    },
    exportSettings: async () => service.exportDocument(service.stored().configured ? await locationFacts() : undefined),
    clearConfiguration: async ({ confirm }) => {
      const before = service.view();
      if (!before.configured) return before;
      if (isJobRunning())
        throw new EngineError({
          code: 'backup-running',
          message: 'A backup is running; the configuration cannot be cleared now.',
          remediation: 'Wait for it to finish (or cancel it), then clear the configuration.',
        });
      if (!confirm)
        throw new EngineError({
          code: 'confirmation-required',
          field: 'confirm',
          message: `Clearing the configuration removes the backup location ${before.location}, its credentials and the encryption ${before.encryption.mode === 'legacy-key' ? 'key' : 'certificate'}; no backups are taken until backup is configured again. The backups on the share and the history stay.`,
          remediation:
            'Export the configuration first if you may need it again (`infra-backup config export FILE`), then confirm (CLI: --yes).',
        });
      const view = service.clear();
      ctx.logger.info({ location: before.location }, 'backup configuration cleared');
      await core.history.append({
        kind: 'settings-changed',
        summary: `Backup configuration cleared: location ${before.location}, credentials and encryption removed; the backups on the share are untouched`,
      });
      await core.scheduler.reset();
      ctx.events.publish({ type: 'settings-changed', settings: view });
      return view;
    },
    importSettings: async ({ document }) => {
      const before = service.view();
      const view = service.importDocument(document);
      await afterChange(before, view);
      return view;
    },
  };
}
