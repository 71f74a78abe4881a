import type { ShareFailureCategory } from '../../../preload/api';

/** Azure Stack Hub's five backup failure alerts, with their remediation (best-practices page). */
export const SHARE_FAILURE_ALERTS: Record<ShareFailureCategory, { title: string; remediation: string }> = {
  capacity: {
    title: 'Backup failed because the file share is out of capacity.',
    remediation: 'Add capacity and try again; delete existing backups, oldest first, to free space.',
  },
  connectivity: {
    title: 'Backup failed due to connectivity problems.',
    remediation: 'Address the network issue and try again.',
  },
  path: {
    title: 'Backup failed due to a fault in the path.',
    remediation: 'Map the share from another computer to check it is reachable; update the path if it is no longer valid.',
  },
  authentication: {
    title: 'Backup failed due to authentication issue.',
    remediation: 'Map the share from another computer; update the credentials if they are no longer valid.',
  },
  general: {
    title: 'Backup failed due to a general fault.',
    remediation: 'May be intermittent: try again; contact support if it persists.',
  },
};
