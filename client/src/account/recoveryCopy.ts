// The account area's own words for what can go wrong with passwords: the
// server's messages are never shown as they are.
import * as api from '../api';

export const PASSWORD_HINT = 'At least 8 characters.';

/** A problem with a new password typed into a form, or '' when it is fine. */
export function newPasswordProblem(password: string): string {
  return password.length < 8 || password.length > 128 ? 'Use 8 to 128 characters.' : '';
}

/** A message for a failed password request that no field explains. */
export function describePasswordError(err: unknown): string {
  if (err instanceof api.ApiError) {
    switch (err.code) {
      case 'rate_limited':
        return 'Too many attempts. Please wait a minute and try again.';
      case 'invalid':
        return 'Some details are not valid. Please check the form.';
      case 'network':
        return 'Could not reach the shop. Check your connection and try again.';
      case 'unauthorized':
        return 'Your session has ended. Please log in again.';
    }
  }
  return 'Something went wrong on our side. Please try again.';
}
