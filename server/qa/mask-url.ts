/**
 * Hides credentials in a repository URL (https://user:token@host → https://***@host,
 * and ?token=… style query values) so it can be logged and shown in QA errors.
 */
export function maskUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, "$1***@")
    .replace(/([?&](?:access_token|token|private_token|password|key)=)[^&\s#]+/gi, "$1***");
}

/** Replaces every occurrence of `url` (and any credentials in URLs) in a message. */
export function maskInText(text: string, url: string): string {
  const masked = maskUrl(url);
  return (url ? text.split(url).join(masked) : text).replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, "$1***@");
}
