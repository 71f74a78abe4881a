/**
 * The stamp's failures as typed errors: 'stamp' (CLI exit 3) with the
 * category the operator acts on, 'operation-failed' (exit 4) when the stamp
 * accepted an operation and then reported it failed, 'not-configured' when no
 * stamp is connected. The texts live here, once.
 */
import type { ShareFailureCategory } from '../../../preload/api';
import { EngineError } from '../errors';

export const STAMP_FAILURE_REMEDIATION: Record<ShareFailureCategory, string> = {
  connectivity:
    "Check that the station reaches the stamp's admin endpoint (https://adminmanagement.{region}.{fqdn}) and its identity provider, then try again.",
  authentication:
    'Sign in again: infra-backup stamp connect … (or Connect in the window). The account needs the Owner role on the Default Provider Subscription.',
  path: 'Check the region and subscription given when connecting: the backup location is System.{region}/backupLocations/{region}.',
  capacity: 'Free space on the external backup store, or lower the retention period.',
  'cannot-write': "Grant the stamp's backup account write access to the external backup file share, then try again.",
  general: 'Try again later. If it persists, check the stamp’s infrastructure backup blade in the administrator portal.',
};

export function stampFailure(category: ShareFailureCategory, message: string, cause?: unknown): EngineError {
  return new EngineError({ code: 'stamp', category, message, remediation: STAMP_FAILURE_REMEDIATION[category], cause });
}

export function notConnected(): EngineError {
  return new EngineError({
    code: 'not-configured',
    message: 'No Azure Stack Hub stamp is connected.',
    remediation:
      'Connect to the stamp first: infra-backup stamp connect --endpoint https://adminmanagement.{region}.{fqdn} … (or Connect in the window).',
  });
}

export function signInFailed(detail: string, cause?: unknown): EngineError {
  return new EngineError({
    code: 'stamp',
    category: 'authentication',
    message: `Signing in to the stamp failed: ${detail}`,
    remediation: STAMP_FAILURE_REMEDIATION.authentication,
    cause,
  });
}

export function operationFailed(what: string, detail: string, cause?: unknown): EngineError {
  return new EngineError({
    code: 'operation-failed',
    message: `${what.charAt(0).toUpperCase()}${what.slice(1)} failed on the stamp: ${detail}`,
    remediation: 'See the stamp’s infrastructure backup blade and alerts in the administrator portal, correct the cause, and try again.',
    cause,
  });
}
