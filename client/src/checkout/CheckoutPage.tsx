import { useEffect, useRef, useState, type FormEvent } from 'react';
import * as api from '../api';
import type { Address, ShippingMethod } from '../api/types';
import { useSession } from '../account/SessionProvider';
import { useCart } from '../cart/CartProvider';
import { canCheckout } from '../cart/cartState';
import { TEST_CARDS } from '../constants';
import { loginThen, ROUTES } from '../routes';
import { Link, navigate } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { CountrySelect } from '../ui/CountrySelect';
import { LIMITS } from '../api/limits';
import { Price } from '../ui/Price';
import { EmptyState, ErrorState, Loading } from '../ui/Status';
import { clearDraft, loadDraft, rememberGuestOrder, saveDraft } from './checkoutDraft';
import { SavedAddressPicker } from './SavedAddresses';
import { cartRefusal, type CheckoutFailure } from './cartRefusal';
import { useCartChangedSince } from './useCartChangedSince';
import { OrderSummaryPanel } from './OrderSummaryPanel';
import {
  emptyCheckoutForm,
  formatCardNumber,
  keyFor,
  mapServerErrors,
  newIdempotencyKey,
  toAddress,
  toPlaceOrderInput,
  validateCheckout,
  type CheckoutField,
  type CheckoutForm,
  type FieldErrors,
  type IdempotencyState,
} from './checkoutState';

export default function CheckoutPage() {
  useDocumentTitle('Checkout');
  const { user } = useSession();
  const cart = useCart();
  const methods = useResource((s) => api.listShippingMethods(s), 'shipping-methods');

  if (user === undefined || cart.state.status === 'loading') return <Loading label="Loading checkout…" />;
  if (cart.state.status === 'error') return <ErrorState error={cart.state.error?.cause} onRetry={() => void cart.reload()} />;
  if (!cart.state.cart || cart.state.cart.lines.length === 0) {
    return (
      <>
        <h1>Checkout</h1>
        <EmptyState title="Your cart is empty">
          <Link to={ROUTES.catalog}>Browse the catalog</Link>
        </EmptyState>
      </>
    );
  }
  if (methods.status === 'loading') return <Loading label="Loading shipping methods…" />;
  if (methods.status === 'error') return <ErrorState error={methods.error} onRetry={methods.reload} />;
  return <CheckoutFormView methods={methods.data} defaultName={user?.name ?? ''} guest={user === null} />;
}

const FORM_ID = 'checkout-form';

const FIELD_ORDER: CheckoutField[] = ['email', 'name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone', 'shippingMethod', 'cardNumber', 'expiry', 'cvc'];

function CheckoutFormView({ methods, defaultName, guest }: { methods: ShippingMethod[]; defaultName: string; guest: boolean }) {
  const cart = useCart();
  const subtotal = cart.state.cart?.subtotal;
  // What was typed before a reload comes back (never the card).
  const [form, setForm] = useState<CheckoutForm>(() => {
    const draft = loadDraft();
    const f = { ...emptyCheckoutForm, name: defaultName, shippingMethod: methods[0]?.code ?? '', ...draft };
    return methods.some((m) => m.code === f.shippingMethod) ? f : { ...f, shippingMethod: methods[0]?.code ?? '' };
  });
  const [saveToBook, setSaveToBook] = useState(false);
  const { changedFrom, acknowledge: acknowledgeCart } = useCartChangedSince(subtotal);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<CheckoutFailure | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const idem = useRef<IdempotencyState>({ key: null, body: null });
  const failureRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (failure) failureRef.current?.focus();
  }, [failure]);
  useEffect(() => saveDraft(form), [form]);

  const pickAddress = (a: Address) => {
    setForm((f) => ({ ...f, name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country, phone: a.phone }));
    setErrors((er) => ({ ...er, name: undefined, line1: undefined, line2: undefined, city: undefined, region: undefined, postalCode: undefined, country: undefined, phone: undefined }));
  };

  const method = methods.find((m) => m.code === form.shippingMethod);
  const totalMinor = (subtotal?.minor ?? 0) + (method?.price.minor ?? 0);
  const set = (field: CheckoutField) => (e: { target: { value: string } }) => {
    const value = field === 'cardNumber' ? formatCardNumber(e.target.value) : e.target.value;
    setForm((f) => ({ ...f, [field]: value }));
    if (errors[field]) setErrors((er) => ({ ...er, [field]: undefined }));
  };

  const focusFirstError = (errs: FieldErrors) => {
    const first = FIELD_ORDER.find((f) => errs[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    setFailure(null);
    const errs = validateCheckout(form, new Date(), guest);
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      focusFirstError(errs);
      return;
    }
    // The total on screen is what the customer agrees to pay.
    const input = { ...toPlaceOrderInput(form, guest), expectedTotal: totalMinor };
    idem.current = keyFor(idem.current, input, newIdempotencyKey);
    setSubmitting(true);
    try {
      const order = await api.placeOrder(input, idem.current.key ?? newIdempotencyKey());
      clearDraft();
      if (guest && order.accessToken) rememberGuestOrder(order.id, order.accessToken);
      if (!guest && saveToBook) {
        // The order is placed either way; a failed save only means the
        // address is not in the book (the account page can add it).
        await api.saveAddress(toAddress(form)).catch(() => undefined);
      }
      // The server emptied the cart.
      cart.replace({ lines: [], itemCount: 0, subtotal: { minor: 0, currency: order.total.currency } });
      navigate(ROUTES.confirmation({ id: order.id }));
    } catch (err) {
      setSubmitting(false);
      if (!(err instanceof api.ApiError)) {
        setFailure({ title: 'Something went wrong', message: api.describeError(err) });
        return;
      }
      switch (err.code) {
        case 'payment_declined':
          setFailure({ title: 'Your card was declined', message: 'No order was placed and you were not charged. Try another card.' });
          break;
        case 'payment_failed':
          setFailure({ title: 'Payment did not go through', message: 'No order was placed and you were not charged. Please try again.' });
          break;
        case 'cart_changed':
        case 'insufficient_stock': {
          if (err.cart) {
            cart.replace(err.cart);
            acknowledgeCart(err.cart.subtotal);
          } else {
            void cart.reload();
          }
          setFailure(cartRefusal(err, method?.price.minor ?? 0, input.expectedTotal));
          break;
        }
        case 'invalid': {
          const mapped = mapServerErrors(err);
          setErrors(mapped.fields);
          // Copy only (errors.ts): the cart-empty case has no field of its own on this form.
          if ('cart' in err.fields) setFailure({ title: 'Your cart is empty', message: err.message });
          else setFailure({ title: 'Please check your details', message: [err.message, ...mapped.other].join(' ') });
          break;
        }
        case 'unauthorized':
          navigate(loginThen(ROUTES.checkout));
          break;
        default:
          setFailure({ title: 'Something went wrong', message: err.message });
      }
    }
  };

  return (
    <div className="checkout">
      <div className="page-header">
        <h1>Checkout</h1>
      </div>
      <div className="checkout__layout">
        <form ref={formRef} id={FORM_ID} className="checkout__form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={failure ? 'checkout-failure' : undefined}>
          {failure && (
            <div ref={failureRef} tabIndex={-1} id="checkout-failure" className="notice notice--error" role="alert" data-testid="checkout-error">
              <strong>{failure.title}.</strong> {failure.message}
              {failure.cartLink && (
                <>
                  {' '}
                  <Link to={ROUTES.cart}>Review your cart</Link>
                </>
              )}
            </div>
          )}
          {guest && (
            <fieldset className="card">
              <legend>Contact</legend>
              <p className="muted small" data-testid="guest-login-hint">
                <Link to={loginThen(ROUTES.checkout)}>Log in</Link> to use your saved addresses, or continue as a guest.
              </p>
              <TextField label="E-mail" name="email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={errors.email} required hint="We send the order confirmation here." />
            </fieldset>
          )}
          <fieldset className="card">
            <legend>Shipping address</legend>
            <div className="form-grid">
              {!guest && <SavedAddressPicker onPick={pickAddress} />}
              <TextField label="Full name" name="name" autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} maxLength={LIMITS.Address.name.maxLength} required className="span-2" />
              <TextField label="Address" name="line1" autoComplete="address-line1" value={form.line1} onChange={set('line1')} error={errors.line1} maxLength={LIMITS.Address.line1.maxLength} required className="span-2" />
              <TextField label="Apartment, suite (optional)" name="line2" autoComplete="address-line2" value={form.line2} onChange={set('line2')} error={errors.line2} maxLength={LIMITS.Address.line2.maxLength} className="span-2" />
              <TextField label="City" name="city" autoComplete="address-level2" value={form.city} onChange={set('city')} error={errors.city} maxLength={LIMITS.Address.city.maxLength} required />
              <TextField label="State or region (optional)" name="region" autoComplete="address-level1" value={form.region} onChange={set('region')} error={errors.region} maxLength={LIMITS.Address.region.maxLength} />
              <TextField label="Postal code" name="postalCode" autoComplete="postal-code" value={form.postalCode} onChange={set('postalCode')} error={errors.postalCode} maxLength={LIMITS.Address.postal_code.maxLength} required />
              <CountrySelect name="country" value={form.country} onChange={set('country')} error={errors.country} required />
              <TextField label="Phone (optional)" name="phone" type="tel" autoComplete="tel" value={form.phone} onChange={set('phone')} error={errors.phone} maxLength={LIMITS.Address.phone.maxLength} className="span-2" />
              {!guest && (
                <label className="checkbox span-2">
                  <input type="checkbox" name="saveAddress" checked={saveToBook} onChange={(e) => setSaveToBook(e.target.checked)} /> Save this address to my address book
                </label>
              )}
            </div>
          </fieldset>

          <fieldset className="card" aria-describedby={errors.shippingMethod ? 'shipping-error' : undefined}>
            <legend>Shipping method</legend>
            <div className="radio-list">
              {methods.map((m) => (
                <label key={m.code} className="radio-card">
                  <input type="radio" name="shippingMethod" value={m.code} checked={form.shippingMethod === m.code} onChange={set('shippingMethod')} />
                  <span className="radio-card__name">{m.name}</span>
                  <span className="muted small">
                    {m.estimatedDays > 0 ? `${m.estimatedDays} business ${m.estimatedDays === 1 ? 'day' : 'days'}` : ''}
                  </span>
                  <Price money={m.price} className="radio-card__price" />
                </label>
              ))}
            </div>
            {errors.shippingMethod && (
              <p id="shipping-error" className="field__error">
                {errors.shippingMethod}
              </p>
            )}
          </fieldset>

          <fieldset className="card">
            <legend>Payment</legend>
            <p className="muted small">
              This is a demo shop: use the test card <code>{TEST_CARDS.success.replace(/(\d{4})(?=\d)/g, '$1 ')}</code> with any future expiry and any 3-digit code.
            </p>
            <div className="form-grid">
              <TextField label="Card number" name="cardNumber" inputMode="numeric" autoComplete="cc-number" value={form.cardNumber} onChange={set('cardNumber')} error={errors.cardNumber} required className="span-2" />
              <TextField label="Expiry (MM/YY)" name="expiry" inputMode="numeric" autoComplete="cc-exp" placeholder="MM/YY" value={form.expiry} onChange={set('expiry')} error={errors.expiry} required />
              <TextField label="Security code" name="cvc" inputMode="numeric" autoComplete="cc-csc" maxLength={4} value={form.cvc} onChange={set('cvc')} error={errors.cvc} required />
            </div>
          </fieldset>
        </form>

        <OrderSummaryPanel
          formId={FORM_ID}
          cart={cart.state.cart}
          method={method}
          total={subtotal ? { minor: totalMinor, currency: subtotal.currency } : null}
          changedFrom={changedFrom}
          canPlace={canCheckout(cart.state)}
          submitting={submitting}
        />
      </div>
    </div>
  );
}
