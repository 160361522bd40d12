/**
 * The credentials docker has for a registry, from its config file
 * (~/.docker/config.json `auths`): what `docker login` wrote. Credential
 * helpers (`credsStore`, `credHelpers`) are not run: such a registry is
 * pushed to anonymously, and a refusal says to log in.
 */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

function hostOf(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0] ?? key;
}

/** The entry of `auths` for that registry host (keys may carry a scheme and a path); none: anonymous. */
export function registryAuth(configText: string | undefined, host: string): RegistryAuth {
  const anonymous: RegistryAuth = { serveraddress: host };
  if (configText === undefined) return anonymous;
  let config: { auths?: Record<string, AuthEntry> };
  try {
    config = JSON.parse(configText) as { auths?: Record<string, AuthEntry> };
  } catch {
    return anonymous;
  }
  const entry = Object.entries(config.auths ?? {}).find(([key]) => hostOf(key) === host)?.[1];
  if (!entry) return anonymous;
  const auth: RegistryAuth = { serveraddress: host };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      auth.username = decoded.slice(0, colon);
      auth.password = decoded.slice(colon + 1);
    }
  }
  if (entry.username !== undefined) auth.username = entry.username;
  if (entry.password !== undefined) auth.password = entry.password;
  if (entry.identitytoken !== undefined) auth.identitytoken = entry.identitytoken;
  return auth;
}
