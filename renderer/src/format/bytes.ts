import { formatBytes as formatSize } from '../../../common/format-bytes';

/** "29.6 TB", or an em dash when the size is not known. */
export const formatBytes = (bytes: number | null | undefined): string => (bytes === null || bytes === undefined ? '—' : formatSize(bytes));
