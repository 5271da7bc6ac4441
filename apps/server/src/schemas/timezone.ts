/** True for a time zone this runtime knows ("UTC", "Europe/Paris"). Browser-safe, like every schema. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
