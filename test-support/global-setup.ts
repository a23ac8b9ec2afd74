/** Vitest global setup: starts shared test services (filled in by the Temporal provisioning work). */
export default function setup(): void {}
