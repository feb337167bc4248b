/** A PEM without its whitespace, to compare two. */
export function squash(pem: string | undefined): string | undefined {
  return pem?.replace(/\s+/g, "");
}
