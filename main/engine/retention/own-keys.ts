import { legacyKeyId } from '../backup/backup-format';
import type { SettingsService } from '../settings/settings-service';
import type { OwnKeys } from './retention-policy';

/**
 * The keys whose backups are this console's to delete: the station keys it
 * signs with; and, for backups made before it signed, every certificate in
 * its certificate history (which holds the configured one) and the legacy key
 * it is configured with in backwards-compatibility mode. A legacy key the
 * console no longer holds is not known: its backups are kept (and reported)
 * rather than guessed to be ours.
 */
export function ownKeysOf(settings: Pick<SettingsService, 'certificateHistory' | 'stored' | 'encryptionTarget' | 'signingFacts'>): OwnKeys {
  const thumbprints = new Set(settings.certificateHistory().map((entry) => entry.thumbprint));
  const legacyKeyIds = new Set<string>();
  if (settings.stored().encryption.mode === 'legacy-key') {
    try {
      const target = settings.encryptionTarget();
      if (target.mode === 'legacy-key') legacyKeyIds.add(legacyKeyId(target.key));
    } catch {
      // The key is not stored on this station (not-configured): none of its backups can be told apart from another console's.
    }
  }
  const signing = settings.signingFacts();
  return { thumbprints, legacyKeyIds, signingKeys: new Set(signing.consoleKeys), signingSince: signing.signingSince };
}
