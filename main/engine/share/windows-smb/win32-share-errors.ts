/**
 * Win32 result codes of the network calls, mapped to the operator's share
 * failure categories. The category texts come from the one table in
 * ../share-failure-texts.ts; only the 1219 case adds its own remediation, because
 * the usual one ("update the credentials") would not help there.
 */
import type { ShareFailureCategory } from '../../../../preload/api';
import type { EngineError } from '../../errors';
import { shareError } from '../share-errors';

export const WIN32 = {
  success: 0,
  /** ERROR_BAD_NETPATH: the network path was not found. */
  badNetPath: 53,
  /** ERROR_NETNAME_DELETED: the network name is no longer available. */
  netNameDeleted: 64,
  /** ERROR_BAD_NET_NAME: the network name cannot be found (no such share). */
  badNetName: 67,
  /** ERROR_DISK_FULL. */
  diskFull: 112,
  /** ERROR_SESSION_CREDENTIAL_CONFLICT: this station is already connected to the server as someone else. */
  sessionCredentialConflict: 1219,
  /** ERROR_NO_NETWORK. */
  noNetwork: 1222,
  /** ERROR_NETWORK_UNREACHABLE. */
  networkUnreachable: 1231,
  /** ERROR_LOGON_FAILURE: unknown user name or bad password. */
  logonFailure: 1326,
  /** ERROR_OPEN_FILES: a disconnect found files still open. */
  openFiles: 2401,
} as const;

const CATEGORY_OF_CODE: Readonly<Record<number, ShareFailureCategory>> = {
  [WIN32.logonFailure]: 'authentication',
  [WIN32.sessionCredentialConflict]: 'authentication',
  [WIN32.badNetPath]: 'path',
  [WIN32.badNetName]: 'path',
  [WIN32.noNetwork]: 'connectivity',
  [WIN32.networkUnreachable]: 'connectivity',
  [WIN32.netNameDeleted]: 'connectivity',
  [WIN32.diskFull]: 'capacity',
};

export const CREDENTIAL_CONFLICT_REMEDIATION =
  'This station is already connected to that server under another user name, and Windows allows one user per server: disconnect the other session (net use \\\\server\\share /delete) or address the server by its other name (its IP address or fully qualified name) in the storage location.';

/** The category a Win32 result code belongs to; anything unlisted is general. */
export function categoryOfWin32Code(code: number): ShareFailureCategory {
  return CATEGORY_OF_CODE[code] ?? 'general';
}

/**
 * The typed share error for a failed Win32 call. `what` says which step failed
 * ("Connecting to \\server\share"); the code is always named, so the operator
 * and support can look it up.
 */
export function win32ShareError(code: number, what: string): EngineError {
  const category = categoryOfWin32Code(code);
  const detail = `${what} failed (Windows error ${code}).`;
  const cause = `Win32 error ${code} during: ${what}`;
  if (code === WIN32.sessionCredentialConflict) return shareError(category, detail, cause, CREDENTIAL_CONFLICT_REMEDIATION);
  return shareError(category, detail, cause);
}
