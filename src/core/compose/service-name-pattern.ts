/** Compose's service names: letters, digits, ".", "_" and "-", starting with a letter or digit. */
export const SERVICE_NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._-]*$';
