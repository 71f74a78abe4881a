/**
 * Every share failure lands in one of the alert categories of the Azure Stack
 * backup best-practices page, with that alert's remediation, or in
 * **cannot-write**: the share is reachable and the credentials are accepted,
 * but a write (create, put, mkdir, rename, delete) is refused. Classification
 * reads NT_STATUS codes (smbclient output) and errno codes (local folders,
 * sockets); a refusal (ACCESS_DENIED, EACCES) means cannot-write when the
 * operation wrote and authentication otherwise, so each driver says which
 * kind of operation failed, where it knows it.
 *
 * Beside the categories there is one more kind, **not found**: a file or
 * folder absent inside the configured backup folder (an absent `MASBackup`
 * folder means "no backups yet", and an empty list is the right answer). It
 * is kept apart from **path** — the share or the configured folder itself
 * cannot be resolved — as restic's `IsNotExist` and Kopia's
 * `ErrBlobNotFound` are kept apart from other failures. Should a not-found
 * reach the operator, it shows as category path.
 */
import type { ShareFailureCategory } from '../../../preload/api';
import { EngineError, isEngineError } from '../errors';
import { SHARE_FAILURE_TEXTS } from './share-failure-texts';

/** What a share failure is: one of the operator categories, or not found. */
export type ShareFailureKind = ShareFailureCategory | 'not-found';

/** A share failure. `kind` tells not-found apart from the category path it is shown as. */
export class ShareError extends EngineError {
  readonly kind: ShareFailureKind;

  constructor(kind: ShareFailureKind, message: string, remediation: string, cause?: unknown) {
    super({ code: 'share', category: kind === 'not-found' ? 'path' : kind, message, remediation, cause });
    this.name = 'ShareError';
    this.kind = kind;
  }
}

/**
 * The typed share error. `detail` is an operator-readable sentence appended to
 * the category's headline (e.g. which file); `cause` is the technical text,
 * scrubbed of secrets by EngineError. `remediation` replaces the category's
 * only where a driver knows a more precise action (Windows error 1219).
 */
export function shareError(category: ShareFailureCategory, detail?: string, cause?: unknown, remediation?: string): ShareError {
  const text = SHARE_FAILURE_TEXTS[category];
  return new ShareError(category, detail ? `${text.message} ${detail}` : text.message, remediation ?? text.remediation, cause);
}

/** `sharePath` (share-relative) does not exist inside the configured backup folder. */
export function notFoundError(sharePath: string, cause?: unknown): ShareError {
  return new ShareError(
    'not-found',
    `"${sharePath}" does not exist in the backup folder on the share.`,
    'Check that nothing on the share deleted or moved it; list the backups to see what is there.',
    cause,
  );
}

/**
 * The share's "it is not there": a file or folder absent inside the backup
 * folder. Callers that read without checking first — each check is a round
 * trip — treat it as absence. A missing share or configured folder is NOT
 * this (it is category path, an error the operator must see).
 */
export function isNotFound(error: unknown): boolean {
  return error instanceof ShareError && error.kind === 'not-found';
}

/** The kind of a share failure; undefined for anything that is not one. */
export function shareFailureKind(error: unknown): ShareFailureKind | undefined {
  if (error instanceof ShareError) return error.kind;
  if (isEngineError(error) && error.code === 'share') return error.category;
  return undefined;
}

/** What the failed operation did: a refusal to write is cannot-write, a refusal to read or to connect is authentication. */
export type ShareOperation = 'read' | 'write';

/** Refusals that say "this account may not do that here": cannot-write when the operation wrote, authentication otherwise. */
const REFUSED_STATUSES: readonly string[] = ['ACCESS_DENIED'];
const REFUSED_ERRNOS: readonly string[] = ['EACCES', 'EPERM'];

const NT_STATUS_CATEGORY: ReadonlyArray<[ShareFailureCategory, readonly string[]]> = [
  ['capacity', ['DISK_FULL', 'QUOTA_EXCEEDED', 'ALLOTTED_SPACE_EXCEEDED', 'DISK_QUOTA_EXCEEDED']],
  // A read-only share (Samba `read only = yes`, a write-protected volume) says so whatever the operation.
  ['cannot-write', ['MEDIA_WRITE_PROTECTED']],
  [
    'authentication',
    [
      'LOGON_FAILURE',
      'WRONG_PASSWORD',
      'NO_SUCH_USER',
      'ACCOUNT_DISABLED',
      'ACCOUNT_LOCKED_OUT',
      'ACCOUNT_EXPIRED',
      'ACCOUNT_RESTRICTION',
      'PASSWORD_EXPIRED',
      'PASSWORD_MUST_CHANGE',
      'INVALID_LOGON_HOURS',
      'INVALID_WORKSTATION',
      'LOGON_TYPE_NOT_GRANTED',
      'TRUSTED_RELATIONSHIP_FAILURE',
      'NO_LOGON_SERVERS',
      'ACCESS_DENIED',
      'NETWORK_ACCESS_DENIED',
    ],
  ],
  [
    'connectivity',
    [
      'CONNECTION_REFUSED',
      'CONNECTION_RESET',
      'CONNECTION_DISCONNECTED',
      'CONNECTION_ABORTED',
      'IO_TIMEOUT',
      'HOST_UNREACHABLE',
      'NETWORK_UNREACHABLE',
      'PORT_UNREACHABLE',
      'BAD_NETWORK_PATH',
      'NETWORK_NAME_DELETED',
      'INVALID_NETWORK_RESPONSE',
      'PIPE_BROKEN',
      'RESOURCE_NAME_NOT_FOUND',
      'HOST_DOWN',
      'NETWORK_BUSY',
      'REMOTE_NOT_LISTENING',
    ],
  ],
  [
    'path',
    [
      'BAD_NETWORK_NAME',
      'OBJECT_PATH_NOT_FOUND',
      'OBJECT_NAME_NOT_FOUND',
      'OBJECT_PATH_INVALID',
      'OBJECT_NAME_INVALID',
      'OBJECT_PATH_SYNTAX_BAD',
      'NO_SUCH_FILE',
      'NOT_A_DIRECTORY',
      'FILE_IS_A_DIRECTORY',
      'DELETE_PENDING',
    ],
  ],
];

const ERRNO_CATEGORY: Readonly<Record<string, ShareFailureCategory>> = {
  ENOSPC: 'capacity',
  EDQUOT: 'capacity',
  EFBIG: 'capacity',
  EACCES: 'authentication',
  EPERM: 'authentication',
  EROFS: 'cannot-write',
  ENOENT: 'path',
  ENOTDIR: 'path',
  EISDIR: 'path',
  ELOOP: 'path',
  ENAMETOOLONG: 'path',
  ECONNREFUSED: 'connectivity',
  ECONNRESET: 'connectivity',
  ETIMEDOUT: 'connectivity',
  EHOSTUNREACH: 'connectivity',
  ENETUNREACH: 'connectivity',
  EHOSTDOWN: 'connectivity',
  ENOTFOUND: 'connectivity',
  EAI_AGAIN: 'connectivity',
  ESTALE: 'connectivity',
  EIO: 'general',
};

/** The first NT_STATUS_* code in a text, without the prefix (e.g. "LOGON_FAILURE"). */
export function firstNtStatus(text: string): string | undefined {
  return /NT_STATUS_([A-Z0-9_]+)/.exec(text)?.[1];
}

/**
 * Classifies smbclient output, an NT_STATUS code, an errno code ("ENOSPC") or
 * an Error carrying `.code`. `operation` is what failed: a refusal to write
 * is cannot-write; to read, or to connect (the default), authentication.
 * Unknown → general.
 */
export function classifyShareFailure(
  input: string | NodeJS.ErrnoException | unknown,
  operation: ShareOperation = 'read',
): ShareFailureCategory {
  if (typeof input === 'string') return classifyText(input, operation);
  if (input && typeof input === 'object') {
    const code = (input as { code?: unknown }).code;
    if (typeof code === 'string' && ERRNO_CATEGORY[code]) return categoryOfErrno(code, operation) ?? 'general';
    const message = (input as { message?: unknown }).message;
    if (typeof message === 'string') return classifyText(message, operation);
  }
  return 'general';
}

function categoryOfErrno(errno: string, operation: ShareOperation): ShareFailureCategory | undefined {
  if (operation === 'write' && REFUSED_ERRNOS.includes(errno)) return 'cannot-write';
  return ERRNO_CATEGORY[errno];
}

function classifyText(text: string, operation: ShareOperation): ShareFailureCategory {
  const errno = /\b(E[A-Z]{2,}(?:_[A-Z]+)?)\b/.exec(text)?.[1];
  if (errno && !text.includes('NT_STATUS_') && ERRNO_CATEGORY[errno]) return categoryOfErrno(errno, operation) ?? 'general';
  const statuses = [...text.matchAll(/NT_STATUS_([A-Z0-9_]+)/g)].map((match) => match[1] ?? '');
  // A full disk decides wherever it appears: the server may drop the connection
  // after it, and smbclient then reports the drop on stdout while the
  // DISK_FULL of cli_push went to stderr (measured with Samba 4.17).
  if (statuses.some((status) => categoryOfStatus(status, text, operation) === 'capacity')) return 'capacity';
  // Otherwise several codes may appear (a failed command then a cleanup); the first decides.
  for (const status of statuses) {
    const category = categoryOfStatus(status, text, operation);
    if (category) return category;
  }
  if (/timed? ?out/i.test(text)) return 'connectivity';
  return 'general';
}

/** Whether any NT_STATUS in `text` says the connection is gone or unusable (a session that printed one is not used again). */
export function reportsConnectivityFailure(text: string): boolean {
  return [...text.matchAll(/NT_STATUS_([A-Z0-9_]+)/g)].some((match) => categoryOfStatus(match[1] ?? '', text, 'read') === 'connectivity');
}

function categoryOfStatus(status: string, text: string, operation: ShareOperation): ShareFailureCategory | undefined {
  if (operation === 'write' && REFUSED_STATUSES.includes(status)) return 'cannot-write';
  for (const [category, codes] of NT_STATUS_CATEGORY) if (codes.includes(status)) return category;
  // smbclient reports an unresolvable host name as a failed connect with
  // NT_STATUS_UNSUCCESSFUL ("do_connect: Connection to x.invalid failed").
  if (status === 'UNSUCCESSFUL' && /Connection to .* failed/.test(text)) return 'connectivity';
  return undefined;
}
