/** The router's rules for the Wi-Fi name and password (the API's schema says the same). */

export const SSID_RULE =
  "1 to 32 bytes of printable characters; no single quote (') or backslash (\\).";
export const PASSWORD_RULE =
  "8 to 63 printable ASCII characters (letters, digits, spaces, punctuation); no single quote (') or backslash (\\).";

/** Printable: no C0 or C1 control character (code points below 32, 127 to 159). */
function hasControl(text: string): boolean {
  return [...text].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 32 || (code >= 127 && code <= 159);
  });
}

/** What is wrong with an SSID, or null. */
export function ssidProblem(ssid: string): string | null {
  const bytes = new TextEncoder().encode(ssid).length;
  if (bytes === 0) {
    return 'Enter a name.';
  }
  if (bytes > 32) {
    return `Too long: ${bytes} bytes, at most 32 (some letters take 2 to 4 bytes).`;
  }
  if (hasControl(ssid)) {
    return 'Only printable characters.';
  }
  if (ssid.includes("'") || ssid.includes('\\')) {
    return 'No single quote or backslash.';
  }
  return null;
}

/** What is wrong with a WPA2 passphrase, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) {
    return `Too short: ${password.length} characters, at least 8.`;
  }
  if (password.length > 63) {
    return `Too long: ${password.length} characters, at most 63.`;
  }
  if ([...password].some((c) => c < ' ' || c > '~')) {
    return 'Only printable ASCII characters (no accented letters or emoji).';
  }
  if (password.includes("'") || password.includes('\\')) {
    return 'No single quote or backslash.';
  }
  return null;
}
