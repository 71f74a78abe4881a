/**
 * The Win32 calls the Windows share driver makes, behind one small interface
 * so the driver's order of calls and its error mapping are tested with
 * stand-ins on any platform (koffi-win32-net.ts is the real one).
 *
 * Every method returns the Win32 result code (0 = success) rather than
 * throwing: the mapping to operator categories lives in win32-share-errors.ts.
 */
export interface Win32Net {
  /**
   * WNetAddConnection2W: a deviceless connection (no drive letter) to exactly
   * `remote` (`\\server\share`), with these credentials, not persisted.
   */
  addConnection(remote: string, username: string, password: string): Promise<number>;
  /** WNetCancelConnection2W on `remote`, not updating the profile; `force` breaks open files. */
  cancelConnection(remote: string, force: boolean): Promise<number>;
  /** WNetGetUserW: the user name the connection to `remote` was made with. */
  connectedUser(remote: string): Promise<{ code: number; user: string }>;
  /** GetDiskFreeSpaceExW on `path` (free to this caller, and total). */
  diskSpace(path: string): Promise<{ code: number; freeBytes: number; totalBytes: number }>;
}
