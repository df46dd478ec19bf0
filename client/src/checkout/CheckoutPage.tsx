import { useEffect, useRef, useState, type FormEvent } from 'react';
import * as api from '../api';
import type { ShippingMethod } from '../api/types';
import { useSession } from '../account/SessionProvider';
import { useCart } from '../cart/CartProvider';
import { canCheckout } from '../cart/cartState';
import { ROUTES, TEST_CARDS } from '../constants';
import { Link, navigate, Redirect } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { CountrySelect } from '../ui/CountrySelect';
import { LIMITS } from '../api/limits';
import { Price } from '../ui/Price';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import {
  emptyCheckoutForm,
  formatCardNumber,
  keyFor,
  mapServerErrors,
  newIdempotencyKey,
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
  if (user === null) return <Redirect to={`${ROUTES.login}?next=${encodeURIComponent(ROUTES.checkout)}`} />;
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
  return <CheckoutFormView methods={methods.data} defaultName={user.name} />;
}

const FIELD_ORDER: CheckoutField[] = ['name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone', 'shippingMethod', 'cardNumber', 'expiry', 'cvc'];

function CheckoutFormView({ methods, defaultName }: { methods: ShippingMethod[]; defaultName: string }) {
  const cart = useCart();
  const lines = cart.state.cart?.lines ?? [];
  const subtotal = cart.state.cart?.subtotal;
  const [form, setForm] = useState<CheckoutForm>({ ...emptyCheckoutForm, name: defaultName, shippingMethod: methods[0]?.code ?? '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const idem = useRef<IdempotencyState>({ key: null, body: null });
  const failureRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (failure) failureRef.current?.focus();
  }, [failure]);

  const method = methods.find((m) => m.code === form.shippingMethod);
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
    const errs = validateCheckout(form);
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      focusFirstError(errs);
      return;
    }
    const input = toPlaceOrderInput(form);
    idem.current = keyFor(idem.current, input, newIdempotencyKey);
    setSubmitting(true);
    try {
      const order = await api.placeOrder(input, idem.current.key ?? newIdempotencyKey());
      // The server emptied the cart.
      cart.replace({ lines: [], itemCount: 0, subtotal: { minor: 0, currency: order.total.currency } });
      navigate(ROUTES.confirmation(order.id));
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
        case 'insufficient_stock':
          setFailure({ title: 'Some items sold out', message: `${err.message} Your cart has been updated; please review it.` });
          void cart.reload();
          break;
        case 'invalid': {
          const mapped = mapServerErrors(err);
          setErrors(mapped.fields);
          // Copy only (errors.ts): the cart-empty case has no field of its own on this form.
          if ('cart' in err.fields) setFailure({ title: 'Your cart is empty', message: err.message });
          else setFailure({ title: 'Please check your details', message: [err.message, ...mapped.other].join(' ') });
          break;
        }
        case 'unauthorized':
          navigate(`${ROUTES.login}?next=${encodeURIComponent(ROUTES.checkout)}`);
          break;
        default:
          setFailure({ title: 'Something went wrong', message: err.message });
      }
    }
  };

  const totalMinor = (subtotal?.minor ?? 0) + (method?.price.minor ?? 0);
  return (
    <div className="checkout">
      <div className="page-header">
        <h1>Checkout</h1>
      </div>
      <div className="checkout__layout">
        <form ref={formRef} className="checkout__form" onSubmit={submit} noValidate aria-describedby={failure ? 'checkout-failure' : undefined}>
          {failure && (
            <div ref={failureRef} tabIndex={-1} id="checkout-failure" className="notice notice--error" role="alert" data-testid="checkout-error">
              <strong>{failure.title}.</strong> {failure.message}
            </div>
          )}
          <fieldset className="card">
            <legend>Shipping address</legend>
            <div className="form-grid">
              <TextField label="Full name" name="name" autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} maxLength={LIMITS.Address.name.maxLength} required className="span-2" />
              <TextField label="Address" name="line1" autoComplete="address-line1" value={form.line1} onChange={set('line1')} error={errors.line1} maxLength={LIMITS.Address.line1.maxLength} required className="span-2" />
              <TextField label="Apartment, suite (optional)" name="line2" autoComplete="address-line2" value={form.line2} onChange={set('line2')} error={errors.line2} maxLength={LIMITS.Address.line2.maxLength} className="span-2" />
              <TextField label="City" name="city" autoComplete="address-level2" value={form.city} onChange={set('city')} error={errors.city} maxLength={LIMITS.Address.city.maxLength} required />
              <TextField label="State or region (optional)" name="region" autoComplete="address-level1" value={form.region} onChange={set('region')} error={errors.region} maxLength={LIMITS.Address.region.maxLength} />
              <TextField label="Postal code" name="postalCode" autoComplete="postal-code" value={form.postalCode} onChange={set('postalCode')} error={errors.postalCode} maxLength={LIMITS.Address.postal_code.maxLength} required />
              <CountrySelect name="country" value={form.country} onChange={set('country')} error={errors.country} required />
              <TextField label="Phone (optional)" name="phone" type="tel" autoComplete="tel" value={form.phone} onChange={set('phone')} error={errors.phone} maxLength={LIMITS.Address.phone.maxLength} className="span-2" />
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

          <button type="submit" className="button button--primary button--large button--block" disabled={submitting || !canCheckout(cart.state)}>
            {submitting ? 'Placing order…' : 'Place order'}
          </button>
          {submitting && <Loading label="Placing your order…" />}
        </form>

        <aside className="card summary" aria-labelledby="order-summary-title">
          <h2 id="order-summary-title">Order summary</h2>
          <ul className="summary__lines">
            {lines.map((l) => (
              <li key={l.productId}>
                <span>
                  {l.name} <span className="muted">× {l.quantity}</span>
                </span>
                <Price money={l.lineTotal} />
              </li>
            ))}
          </ul>
          <dl className="summary__rows">
            <div>
              <dt>Subtotal</dt>
              <dd>{subtotal && <Price money={subtotal} />}</dd>
            </div>
            <div>
              <dt>Shipping</dt>
              <dd>{method ? <Price money={method.price} /> : '—'}</dd>
            </div>
            <div className="summary__total">
              <dt>Total</dt>
              <dd data-testid="checkout-total">{subtotal && <Price money={{ minor: totalMinor, currency: subtotal.currency }} />}</dd>
            </div>
          </dl>
          {!canCheckout(cart.state) && <Notice kind="info">Some items in your cart are unavailable.</Notice>}
        </aside>
      </div>
    </div>
  );
}
