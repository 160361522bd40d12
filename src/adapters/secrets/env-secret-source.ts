/** `from: env`: the shell environment devenv runs in (an empty value counts as unset). */
import type { SecretSource } from '../../contracts/secret-source.js';

export const envSecretSource: SecretSource = {
  read(request, notes) {
    const value = request.env[request.name];
    if (value === undefined || value === '') return Promise.resolve(undefined);
    notes.onSecretValues([value]);
    return Promise.resolve(value);
  },
};
