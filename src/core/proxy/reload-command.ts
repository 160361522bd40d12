/**
 * How a running proxy (Caddy 2) gets new routes, the same for the container proxy
 * (app/proxy.ts) and the Swarm proxy service (adapters/swarm-stack/swarm-proxy.ts): a
 * command run in it by exec, with the new Caddyfile in CADDYFILE_ENV. It writes it beside
 * the current one and, only when it differs, has Caddy load it (`caddy reload`: the admin
 * API, no restart, open connections kept) before putting it in place. Pure.
 */

/** The environment variable the new Caddyfile comes in. */
export const CADDYFILE_ENV = 'DEVENV_CADDYFILE';

/** The exec command that loads the Caddyfile in CADDYFILE_ENV into the proxy whose configuration is at `configPath`. */
export function reloadCommand(configPath: string): string[] {
  return [
    'sh',
    '-c',
    `f=${configPath}; printf '%s' "$${CADDYFILE_ENV}" > "$f.new"; if cmp -s "$f.new" "$f"; then rm -f "$f.new"; echo kept; else caddy reload --config "$f.new" --adapter caddyfile && mv "$f.new" "$f" && echo reloaded; fi`,
  ];
}

/** Whether the command's output says Caddy loaded a changed configuration (else it was the same). */
export function wasReloaded(output: string): boolean {
  return /^reloaded$/m.test(output);
}
