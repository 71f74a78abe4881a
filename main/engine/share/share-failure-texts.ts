import type { ShareFailureCategory } from '../../../preload/api';

/**
 * The share failure categories in operator words, written once: a share
 * error's message and remediation, and the Azure Stack Hub alert (title,
 * same remediation) raised when a backup fails with that category. The
 * remediations follow the Azure Stack backup best-practices page.
 */
export interface ShareFailureText {
  /** Headline of the error a share operation throws (a detail sentence may follow). */
  message: string;
  /** Title of the critical alert a failed backup raises. */
  alertTitle: string;
  remediation: string;
}

export const SHARE_FAILURE_TEXTS: Readonly<Record<ShareFailureCategory, ShareFailureText>> = {
  capacity: {
    message: 'The file share is out of capacity.',
    alertTitle: 'Backup failed because the file share is out of capacity.',
    remediation: 'Add capacity and try again; delete existing backups, oldest first, to free space.',
  },
  connectivity: {
    message: 'The file share cannot be reached because of connectivity problems.',
    alertTitle: 'Backup failed due to connectivity problems.',
    remediation: 'Address the network issue and try again.',
  },
  path: {
    message: 'There is a fault in the file share path.',
    alertTitle: 'Backup failed due to a fault in the path.',
    remediation: 'Map the share from another computer to check it is reachable; update the path if it is no longer valid.',
  },
  authentication: {
    message: 'The file share rejected the credentials or the access.',
    alertTitle: 'Backup failed due to authentication issue.',
    remediation: 'Map the share from another computer; update the credentials if they are no longer valid.',
  },
  'cannot-write': {
    message: 'The file share is reachable and accepted the credentials, but refused to let the account write.',
    alertTitle: 'Cannot write to the backup file share.',
    remediation:
      'Grant the backup account Change (write) permission on the share and Modify on the backup folder (NTFS), and check that the share is not read-only; then select Test connection and try again.',
  },
  general: {
    message: 'The file share operation failed because of a general fault.',
    alertTitle: 'Backup failed due to a general fault.',
    remediation: 'This may be intermittent: try again; contact support if it persists (the details are in the log).',
  },
};
