/**
 * Profiles: a service with `profiles:` is enabled only when one of them is
 * active (`*` activates all); services without profiles are always enabled.
 */
export function isServiceEnabled(profiles: unknown, activeProfiles: readonly string[]): boolean {
  if (!Array.isArray(profiles) || profiles.length === 0) return true;
  if (activeProfiles.includes('*')) return true;
  return profiles.some((profile) => activeProfiles.includes(String(profile)));
}
