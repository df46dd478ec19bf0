// The account area, loaded on demand as one chunk (App.tsx imports this
// index); one page per file.
export { LoginPage } from './LoginPage';
export { RegisterPage } from './RegisterPage';
export { AccountPage } from './AccountPage';
export { OrderPage } from './OrderPage';
export { ForgotPasswordPage } from './ForgotPasswordPage';
export { ResetPasswordPage } from './ResetPasswordPage';
export { AccountSettingsPage } from './AccountSettingsPage';
export { AddressBookPage } from './AddressBookPage';
