/** The status detail of a trace whose QA job ran out of attempts. */
export function exhaustedReason(attempts: number, leaseExpired: boolean): string {
  return leaseExpired
    ? `QA gave up after ${attempts} attempt(s): the worker's lease expired each time (worker crashed or hung)`
    : `QA gave up after ${attempts} attempt(s)`;
}
