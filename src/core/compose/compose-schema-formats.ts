/**
 * The string formats the Compose schema names, for Ajv: `duration` checked here;
 * port, expose and subnet syntax checked, with better messages, during normalization.
 * Used by the precompiled validator (compose-schema-validator.generated.ts) and by
 * the script that generates it.
 */
import { isValidDuration } from './duration.js';

export const composeFormats = {
  duration: { type: 'string' as const, validate: isValidDuration },
  ports: true as const,
  expose: true as const,
  subnet_ip_address: true as const,
};
