// Logging in and getting back in: a lazy chunk of its own (App.tsx imports
// this index), so the login page does not download the account area.
export { LoginPage } from './LoginPage';
export { RegisterPage } from './RegisterPage';
export { ForgotPasswordPage } from './ForgotPasswordPage';
export { ResetPasswordPage } from './ResetPasswordPage';
