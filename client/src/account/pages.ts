// The account area of a logged-in customer, loaded on demand as one chunk
// (App.tsx imports this index); one page per file. The pages before login
// are authPages.ts.
export { AccountPage } from './AccountPage';
export { OrderPage } from './OrderPage';
export { AccountSettingsPage } from './AccountSettingsPage';
export { AddressBookPage } from './AddressBookPage';
