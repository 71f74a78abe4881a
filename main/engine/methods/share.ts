import { checkUsername, tryParseUncLocation } from '../../../common/settings-schema';
import type { BackupConsoleApi, TestShareInput } from '../../../preload/api';
import { notConfigured, type EngineContext } from '../context';
import { invalidInput } from '../errors';
import type { CapacityMonitor } from '../maintenance/capacity-monitor';
import { NO_CANCEL } from '../share/abort';
import { openFileShare, type ShareLocationInput } from '../share/open-share';
import { testShareConnection } from '../share/share-connection-test';

type ShareMethods = Pick<BackupConsoleApi, 'testShare' | 'getCapacity'>;

export function shareMethods(ctx: EngineContext, capacity: CapacityMonitor): ShareMethods {
  return {
    testShare: async (input) => {
      const candidate = candidateShare(ctx, input);
      const share = openFileShare(candidate.open);
      try {
        const { result, failure } = await testShareConnection(share, NO_CANCEL);
        // Essentials shows the saved location's capacity: a candidate's is not that.
        if (candidate.isSaved && result.freeBytes !== null) capacity.remember(result.freeBytes, result.totalBytes);
        if (failure) {
          ctx.logger.warn({ category: failure.category, cause: failure.technicalCause }, 'share test failed');
          return { ...result, failure: failure.toApiError() };
        }
        return result;
      } finally {
        await share.close();
      }
    },
    getCapacity: () => capacity.refresh(),
  };
}

/**
 * The share the connection test opens: each field as given, else as saved —
 * the same merge saving does, so what passes the test is what would be saved.
 * Works before the first save when location, account and password are given.
 */
function candidateShare(ctx: EngineContext, input: TestShareInput): { open: ShareLocationInput; isSaved: boolean } {
  const stored = ctx.settings.service.stored();
  const location = input.location?.trim() ?? (stored.configured ? stored.location : undefined);
  if (location === undefined) {
    if (!stored.configured && Object.keys(input).length === 0) throw notConfigured();
    throw invalidInput('location', 'Backup storage location is required to test the connection.', 'Enter the UNC path of the share.');
  }
  const parsed = tryParseUncLocation(location, ctx.settings.service.localPaths);
  if (!parsed.ok) throw invalidInput('location', parsed.message);
  const smb = parsed.location.kind === 'smb';
  const username = (input.username ?? (stored.configured ? stored.username : '')).trim();
  const usernameProblem = smb ? checkUsername(username) : null;
  if (usernameProblem) throw invalidInput('username', usernameProblem);
  const password = input.password ?? ctx.settings.service.sharePassword();
  if (smb && password === null) {
    throw invalidInput('password', 'Password is required to test the connection: none is stored yet.', 'Enter the share password.');
  }
  const smbPort = input.smbPort ?? (stored.configured ? stored.smbPort : undefined);
  const open: ShareLocationInput = { location: parsed.location.normalized, username, password: password ?? '', configDir: ctx.configDir };
  if (smbPort !== undefined) open.smbPort = smbPort;
  const isSaved =
    stored.configured &&
    parsed.location.normalized === tryParseLocationText(stored.location) &&
    username === stored.username.trim() &&
    input.password === undefined &&
    (smbPort ?? 445) === stored.smbPort;
  return { open, isSaved };
}

function tryParseLocationText(location: string): string | null {
  const parsed = tryParseUncLocation(location);
  return parsed.ok ? parsed.location.normalized : null;
}
