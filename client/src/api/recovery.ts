// Password reset by e-mail and password change (docs/api.md, Accounts).
import { request } from './http';

/** Asks for a reset link. The answer is the same whether or not an account has the address. */
export async function requestPasswordReset(email: string): Promise<void> {
  await request<unknown>('POST', '/auth/password-reset', { body: { email: email.trim() } });
}

/** Sets a new password with the token of an e-mailed link; every session of the account ends. */
export async function confirmPasswordReset(token: string, password: string): Promise<void> {
  await request<void>('POST', '/auth/password-reset/confirm', { body: { token, password } });
}

/** Changes the logged-in user's password; their other sessions end. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await request<void>('POST', '/account/password', { body: { current_password: currentPassword, new_password: newPassword } });
}
