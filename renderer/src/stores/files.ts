import { defineStore } from 'pinia';
import type { PickedFile, PickFileKind } from '../../../preload/api';
import { useApi } from '../api';
import { downloadBase64 } from '../util/files';

/**
 * Files in and out: native dialogs on the desktop (main reads and writes the
 * file), the browser's own file input and downloads on the web.
 */
export const useFilesStore = defineStore('files', () => {
  const hasNativeDialogs = (): boolean => useApi().hasNativeDialogs;

  /** The desktop's open dialog; null when cancelled or on the web (the view uses a file input there). */
  const pick = (kind: PickFileKind): Promise<PickedFile | null> => useApi().pickFile(kind);

  /** The desktop's folder dialog (the web types the path); null when cancelled. */
  const pickFolder = (): Promise<string | null> => useApi().pickFolder();

  /** Saves through the native dialog on the desktop, or offers a download on the web. */
  async function save(fileName: string, base64: string, mimeType: string): Promise<boolean> {
    if (hasNativeDialogs()) return useApi().saveFile(fileName, base64);
    downloadBase64(fileName, base64, mimeType);
    return true;
  }

  return { hasNativeDialogs, pick, pickFolder, save };
});
