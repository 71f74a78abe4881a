import { checkUsername, tryParseUncLocation } from '../../../common/settings-schema';
import type { BackupConsoleApi, CapacityView, TestShareInput } from '../../../preload/api';
import { notConfigured, withConfiguredShare, type EngineContext } from '../context';
import { invalidInput } from '../errors';
import { NO_CANCEL } from '../share/abort';
import { openFileShare, type ShareLocationInput } from '../share/open-share';
import { testShareConnection } from '../share/share-connection-test';

type ShareMethods = Pick<BackupConsoleApi, 'testShare' | 'getCapacity'>;

// Asking an SMB server for its free space costs a connection: Essentials
// refreshes often, so the figure is kept for a few minutes.
const CAPACITY_MAX_AGE_MS = 5 * 60_000;

export function shareMethods(
  ctx: EngineContext,
): ShareMethods & { rememberCapacity(view: CapacityView): void; lastCapacity(): CapacityView } {
  let capacity: CapacityView = { freeBytes: null, totalBytes: null, measuredAt: null };
  // Also after a failed attempt: an unreachable share must not slow every Essentials refresh.
  let lastAttemptMs = Number.NEGATIVE_INFINITY;
  const remember = (view: CapacityView): void => {
    capacity = view;
    if (view.measuredAt) lastAttemptMs = Date.parse(view.measuredAt);
  };
  return {
    rememberCapacity: remember,
    lastCapacity: () => capacity,
    testShare: async (input) => {
      const candidate = candidateShare(ctx, input);
      const share = openFileShare(candidate.open);
      try {
        const { result, failure } = await testShareConnection(share, NO_CANCEL);
        // Essentials shows the saved location's capacity: a candidate's is not that.
        if (candidate.isSaved && result.freeBytes !== null)
          remember({ freeBytes: result.freeBytes, totalBytes: result.totalBytes, measuredAt: ctx.now().toISOString() });
        if (failure) {
          ctx.logger.warn({ category: failure.category, cause: failure.technicalCause }, 'share test failed');
          return { ...result, failure: failure.toApiError() };
        }
        return result;
      } finally {
        await share.close();
      }
    },
    getCapacity: async () => {
      if (ctx.now().getTime() - lastAttemptMs < CAPACITY_MAX_AGE_MS || !ctx.settings.service.stored().configured) return capacity;
      lastAttemptMs = ctx.now().getTime();
      try {
        const space = await withConfiguredShare(ctx, (share) => share.freeSpace(NO_CANCEL));
        remember({ freeBytes: space.freeBytes, totalBytes: space.totalBytes, measuredAt: ctx.now().toISOString() });
      } catch (error) {
        // Capacity is informational: an unreachable share shows "—" and the alerts say why.
        ctx.logger.debug({ err: error }, 'free space not available');
      }
      return capacity;
    },
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
  const parsed = tryParseUncLocation(location);
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
