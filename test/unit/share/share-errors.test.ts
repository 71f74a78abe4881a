import { describe, expect, it } from 'vitest';
import { classifyShareFailure, firstNtStatus, shareError } from '../../../main/engine/share/share-errors';
import { SHARE_FAILURE_TEXTS } from '../../../main/engine/share/share-failure-texts';
import { registerSecret } from '../../../main/engine/redact';

describe('classifyShareFailure', () => {
  it.each([
    ['NT_STATUS_DISK_FULL writing file', 'capacity'],
    ['NT_STATUS_QUOTA_EXCEEDED', 'capacity'],
    ['do_connect: Connection to 127.0.0.1 failed (Error NT_STATUS_CONNECTION_REFUSED)', 'connectivity'],
    ['do_connect: Connection to nohost.invalid failed (Error NT_STATUS_UNSUCCESSFUL)', 'connectivity'],
    ['NT_STATUS_IO_TIMEOUT', 'connectivity'],
    ['tree connect failed: NT_STATUS_BAD_NETWORK_NAME', 'path'],
    ['NT_STATUS_OBJECT_PATH_NOT_FOUND', 'path'],
    ['session setup failed: NT_STATUS_LOGON_FAILURE', 'authentication'],
    ['NT_STATUS_ACCOUNT_LOCKED_OUT', 'authentication'],
    ['NT_STATUS_PASSWORD_EXPIRED', 'authentication'],
    ['NT_STATUS_ACCESS_DENIED opening remote file', 'authentication'],
    ['NT_STATUS_MEDIA_WRITE_PROTECTED opening remote file', 'cannot-write'],
    ['NT_STATUS_INTERNAL_ERROR', 'general'],
    ['NT_STATUS_UNSUCCESSFUL without context', 'general'],
    ['something odd', 'general'],
  ])('%s → %s', (text, category) => {
    expect(classifyShareFailure(text)).toBe(category);
  });

  it.each([
    ['ENOSPC', 'capacity'],
    ['EDQUOT', 'capacity'],
    ['ENOENT', 'path'],
    ['ENOTDIR', 'path'],
    ['EACCES', 'authentication'],
    ['EROFS', 'cannot-write'],
    ['ECONNREFUSED', 'connectivity'],
    ['ENOTFOUND', 'connectivity'],
    ['EIO', 'general'],
  ])('errno %s → %s', (code, category) => {
    expect(classifyShareFailure(Object.assign(new Error('x'), { code }))).toBe(category);
    expect(classifyShareFailure(code)).toBe(category);
  });

  it('a refusal is cannot-write when the operation wrote, authentication when it read or connected', () => {
    expect(classifyShareFailure('NT_STATUS_ACCESS_DENIED opening remote file \\MASBackup\\x.bin', 'write')).toBe('cannot-write');
    expect(classifyShareFailure('NT_STATUS_ACCESS_DENIED listing \\MASBackup\\*', 'read')).toBe('authentication');
    expect(classifyShareFailure('tree connect failed: NT_STATUS_ACCESS_DENIED')).toBe('authentication');
    expect(classifyShareFailure(Object.assign(new Error('x'), { code: 'EACCES' }), 'write')).toBe('cannot-write');
    expect(classifyShareFailure(Object.assign(new Error('x'), { code: 'EPERM' }), 'write')).toBe('cannot-write');
    expect(classifyShareFailure(Object.assign(new Error('x'), { code: 'EACCES' }), 'read')).toBe('authentication');
    // A wrong password is not a refusal to write, whatever the operation.
    expect(classifyShareFailure('session setup failed: NT_STATUS_LOGON_FAILURE', 'write')).toBe('authentication');
    expect(classifyShareFailure('NT_STATUS_DISK_FULL then NT_STATUS_ACCESS_DENIED', 'write')).toBe('capacity');
  });

  it('a full disk decides wherever it appears: the disconnect smbclient reports after it is its consequence', () => {
    const transcript = 'NT_STATUS_CONNECTION_DISCONNECTED closing remote file \\x\ncli_push returned NT_STATUS_DISK_FULL';
    expect(classifyShareFailure(transcript)).toBe('capacity');
  });

  it('takes the first recognised NT_STATUS', () => {
    expect(classifyShareFailure('NT_STATUS_DISK_FULL then NT_STATUS_ACCESS_DENIED')).toBe('capacity');
    expect(firstNtStatus('x NT_STATUS_OBJECT_NAME_COLLISION y')).toBe('OBJECT_NAME_COLLISION');
    expect(firstNtStatus('nothing')).toBeUndefined();
  });
});

describe('shareError', () => {
  it('carries the Azure Stack alert remediation, the detail and a scrubbed cause', () => {
    registerSecret('s3cret-Pa55');
    const error = shareError('capacity', 'Writing "x" failed.', 'smbclient said s3cret-Pa55 NT_STATUS_DISK_FULL');
    expect(error.code).toBe('share');
    expect(error.category).toBe('capacity');
    expect(error.message).toBe(`${SHARE_FAILURE_TEXTS.capacity.message} Writing "x" failed.`);
    expect(error.remediation).toBe('Add capacity and try again; delete existing backups, oldest first, to free space.');
    expect(error.technicalCause).toContain('NT_STATUS_DISK_FULL');
    expect(error.technicalCause).not.toContain('s3cret-Pa55');
    expect(error.toApiError()).toEqual({ code: 'share', category: 'capacity', message: error.message, remediation: error.remediation });
  });
});
