/**
 * The shell run in the fill pool's helper container (see fill-pool.ts). Paths
 * come as arguments, never spliced into the text. A pool volume holds at most:
 * `ready/` (a complete copy), `.fill/` (a copy being made), `.lock/` (a refill
 * under way; one taken more than 10 minutes ago is a dead one's and is cleared)
 * and `claimed-<volume>/` (a copy being moved out; one left 10 minutes by a claim cut
 * short is removed by the next refill).
 */

/**
 * `sh -c REFILL refill POOL_DIR SOURCE_DIR`: makes the pool's ready copy of
 * SOURCE_DIR unless one exists or another refill is under way. The copy
 * becomes `ready` by one rename, so a copy cut short is never taken.
 */
export const REFILL_SCRIPT = [
  'pool="$1"; source="$2"',
  'find "$pool" -maxdepth 1 -name .lock -mmin +10 -exec rmdir {} \\; 2>/dev/null',
  'find "$pool" -maxdepth 1 -name "claimed-*" -mmin +10 -exec rm -rf {} + 2>/dev/null',
  'mkdir "$pool/.lock" 2>/dev/null || exit 0',
  'trap \'rmdir "$pool/.lock"\' EXIT',
  '[ -d "$pool/ready" ] && exit 0',
  'rm -rf "$pool/.fill"',
  'cp -a "$source" "$pool/.fill" && mv "$pool/.fill" "$pool/ready"',
].join('\n');

/** Exit codes of CLAIM_SCRIPT that mean "nothing changed, fill another way". */
export const CLAIM_NONE_READY = 3;
export const CLAIM_TARGET_NOT_EMPTY = 4;

/**
 * `sh -c CLAIM claim POOL_DIR TARGET_DIR NAME`: takes the ready copy (one
 * rename, so two claims never get the same copy), moves its entries into the
 * empty TARGET_DIR (renames within one filesystem: no data is copied) and gives
 * TARGET_DIR the copy's owner and mode, as the engine's own copy does.
 */
export const CLAIM_SCRIPT = [
  'set -e',
  'pool="$1"; target="$2"; taken="$1/claimed-$3"',
  `mv "$pool/ready" "$taken" 2>/dev/null || exit ${CLAIM_NONE_READY}`,
  'if [ -n "$(ls -A "$target")" ]; then mv "$taken" "$pool/ready"; exit ' + CLAIM_TARGET_NOT_EMPTY + '; fi',
  'chown "$(stat -c %u:%g "$taken")" "$target"',
  'chmod "$(stat -c %a "$taken")" "$target"',
  'for entry in "$taken"/* "$taken"/.[!.]* "$taken"/..?*; do',
  '  if [ -e "$entry" ] || [ -L "$entry" ]; then mv "$entry" "$target/"; fi',
  'done',
  'rmdir "$taken"',
].join('\n');

/** The helper's command: idles until stopped, and answers a stop at once. */
export const IDLE_SCRIPT = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done';
