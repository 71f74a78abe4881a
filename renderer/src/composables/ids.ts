let next = 0;

/** A document-unique id for linking labels, descriptions and dialogs to their elements. */
export function uniqueId(prefix: string): string {
  next++;
  return `${prefix}-${next}`;
}
