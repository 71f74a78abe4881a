/**
 * The real Win32Net: mpr.dll and kernel32.dll through koffi (N-API, prebuilt
 * binaries in its npm packages). Loaded on first use, so other platforms
 * never touch it. The password crosses into mpr.dll in this process's memory
 * only: no command line, no environment, no file.
 */
import { loadKoffi } from '../../win32/load-koffi';
import type { Win32Net } from './win32-net';

/** RESOURCETYPE_DISK */
const RESOURCETYPE_DISK = 1;
/** ERROR_MORE_DATA: the user-name buffer was too small. */
const ERROR_MORE_DATA = 234;

type Win32Call = ((...args: unknown[]) => unknown) & { async: (...args: unknown[]) => void };

interface Bindings {
  WNetAddConnection2W: Win32Call;
  WNetCancelConnection2W: Win32Call;
  WNetGetUserW: Win32Call;
  GetDiskFreeSpaceExW: Win32Call;
  GetLastError: Win32Call;
}

let bindings: Bindings | null = null;

function load(): Bindings {
  const koffi = loadKoffi();
  const mpr = koffi.load('mpr.dll');
  const kernel32 = koffi.load('kernel32.dll');
  // NETRESOURCEW, all pointers to UTF-16 strings (null for "not given").
  koffi.struct('NETRESOURCEW', {
    dwScope: 'uint32',
    dwType: 'uint32',
    dwDisplayType: 'uint32',
    dwUsage: 'uint32',
    lpLocalName: 'str16',
    lpRemoteName: 'str16',
    lpComment: 'str16',
    lpProvider: 'str16',
  });
  const func = (library: typeof mpr, definition: string) => library.func(definition) as unknown as Win32Call;
  return {
    WNetAddConnection2W: func(
      mpr,
      'uint32 __stdcall WNetAddConnection2W(NETRESOURCEW *resource, str16 password, str16 user, uint32 flags)',
    ),
    WNetCancelConnection2W: func(mpr, 'uint32 __stdcall WNetCancelConnection2W(str16 name, uint32 flags, int force)'),
    WNetGetUserW: func(mpr, 'uint32 __stdcall WNetGetUserW(str16 name, _Out_ uint8_t *user, _Inout_ uint32_t *length)'),
    GetDiskFreeSpaceExW: func(
      kernel32,
      'int __stdcall GetDiskFreeSpaceExW(str16 directory, _Out_ uint64_t *freeToCaller, _Out_ uint64_t *total, _Out_ uint64_t *totalFree)',
    ),
    GetLastError: func(kernel32, 'uint32 __stdcall GetLastError()'),
  };
}

async function bound(): Promise<Bindings> {
  bindings ??= load();
  return bindings;
}

/** Runs a blocking Win32 call on koffi's worker thread (a connect can wait on the network for seconds). */
function onWorker(call: Win32Call, ...args: unknown[]): Promise<number> {
  return new Promise((resolve, reject) =>
    call.async(...args, (error: unknown, result: unknown) => (error ? reject(error) : resolve(Number(result)))),
  );
}

export const koffiWin32Net: Win32Net = {
  async addConnection(remote, username, password) {
    const api = await bound();
    const resource = {
      dwScope: 0,
      dwType: RESOURCETYPE_DISK,
      dwDisplayType: 0,
      dwUsage: 0,
      lpLocalName: null,
      lpRemoteName: remote,
      lpComment: null,
      lpProvider: null,
    };
    // dwFlags 0: not remembered in the profile, no prompts.
    return onWorker(api.WNetAddConnection2W, resource, password, username, 0);
  },

  async cancelConnection(remote, force) {
    const api = await bound();
    return onWorker(api.WNetCancelConnection2W, remote, 0, force ? 1 : 0);
  },

  async connectedUser(remote) {
    const api = await bound();
    let characters = 256;
    for (;;) {
      const buffer = Buffer.alloc(characters * 2);
      const length = [characters];
      const code = Number(api.WNetGetUserW(remote, buffer, length));
      if (code === ERROR_MORE_DATA && (length[0] ?? 0) > characters) {
        characters = length[0] ?? characters * 2;
        continue;
      }
      const text = buffer.toString('utf16le');
      const end = text.indexOf('\0');
      return { code, user: code === 0 ? (end >= 0 ? text.slice(0, end) : text) : '' };
    }
  },

  async diskSpace(path) {
    const api = await bound();
    const freeToCaller = [0];
    const total = [0];
    const totalFree = [0];
    // Synchronous, so GetLastError reads this thread's error.
    const ok = Number(api.GetDiskFreeSpaceExW(path, freeToCaller, total, totalFree)) !== 0;
    if (!ok) return { code: Number(api.GetLastError()), freeBytes: 0, totalBytes: 0 };
    return { code: 0, freeBytes: Number(freeToCaller[0]), totalBytes: Number(total[0]) };
  },
};
