import { errors } from '../errors.js';
import { isUniqueViolation } from '../store/queries.js';

/**
 * Runs a write whose unique index may refuse a duplicate that appeared after the caller's own
 * check (two requests at once); the violation becomes the same 409 the check gives.
 */
export async function refusingDuplicates<T>(resource: string, field: string, value: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.alreadyExists(resource, field, value);
    throw error;
  }
}
