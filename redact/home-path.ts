/**
 * Writes the user's home directory as "~" wherever it appears as a path: "/home/ann",
 * "/home/ann/src", "HOME=/home/ann"; but not "/home/anna" nor "/mnt/home/ann".
 * Returns undefined when there is nothing sensible to replace (no home, or home is "/").
 */
export function homeReplacer(home: string | undefined): ((text: string) => string) | undefined {
  const trimmed = home?.replace(/\/+$/, "");
  if (!trimmed || !trimmed.startsWith("/")) return undefined;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(?<![\\w.\\-/~])${escaped}(?![\\w\\-]|\\.\\w)`, "g");
  return (text) => (text.includes(trimmed) ? text.replace(re, "~") : text);
}
