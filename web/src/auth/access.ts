/** Which roles may open which part of the app (the server enforces the same; this only tidies the UI). */
import type { Role } from '../api/auth-types';

export const Area = {
  review: 'review',
  debug: 'debug',
  admin: 'admin',
  /** Knowledge, API keys, webhooks, audit log: the tenant's administration. */
  manage: 'manage',
} as const;
export type Area = (typeof Area)[keyof typeof Area];

export const AREA_ROLES: Record<Area, readonly Role[]> = {
  review: ['reviewer', 'admin'],
  debug: ['reviewer', 'admin', 'operator'],
  admin: ['admin', 'operator'],
  manage: ['admin'],
};

/** Whether a principal with `roles` may use `area`. */
export function rolesAllow(roles: readonly Role[], area: Area): boolean {
  return AREA_ROLES[area].some((role) => roles.includes(role));
}
