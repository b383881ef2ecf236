/** The per-document errors of an unordered insertMany (one, or several), when it has them. */
export function writeErrorsOf(err: unknown): Array<{ index: number; code?: number }> | undefined {
  const found = (err as { writeErrors?: unknown }).writeErrors;
  if (found === undefined || found === null) return undefined;
  return (Array.isArray(found) ? found : [found]) as Array<{ index: number; code?: number }>;
}
