/** The time as use-cases see it (tests give a controlled one). */
export interface Clock {
  now(): number;
}
