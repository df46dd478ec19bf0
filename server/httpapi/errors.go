package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/server/domain"
)

// Error codes that exist only at the HTTP edge (the domain never produces
// them): a body over the size limit. (A 503 is domain.EUNAVAILABLE, which
// the store also produces.)
const (
	codeTooLarge = "too_large"
)

// ErrorBody is the one shape of every error response:
// {"error": {"code", "message", "fields"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error" openapi:"required"`
}

// ErrorDetail is the inside of ErrorBody. Fields is only present for
// validation errors (422). (The openapi tags mark the fields required in
// the OpenAPI document.)
type ErrorDetail struct {
	Code    string            `json:"code" openapi:"required"`
	Message string            `json:"message" openapi:"required"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Cart is the cart as it is now, on the checkout errors about the cart
	// (cart_changed, insufficient_stock from POST /orders).
	Cart *domain.Cart `json:"cart,omitempty"`
}

// statusOf maps a domain error code to its HTTP status. This is the only
// place in the server that does so (docs/api.md, "Errors").
func statusOf(code string, fields map[string]string) int {
	switch code {
	case domain.EINVALID:
		if len(fields) > 0 {
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.ECONFLICT, domain.EINSUFFICIENTSTOCK, domain.ECARTCHANGED:
		return http.StatusConflict
	case domain.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case domain.EFORBIDDEN:
		return http.StatusForbidden
	case domain.EPAYMENTDECLINED:
		return http.StatusPaymentRequired
	case domain.EPAYMENTFAILED:
		return http.StatusBadGateway
	case domain.ERATELIMITED:
		return http.StatusTooManyRequests
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// statusError carries an explicit status for the few edge errors whose
// status is not implied by the code alone (415 for a wrong Content-Type,
// 422 for an unprocessable request without per-field detail).
type statusError struct {
	status int
	err    *domain.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func withStatus(status int, err *domain.Error) error { return &statusError{status: status, err: err} }

// fiberErrorCode turns Fiber's own errors (unknown route, body too large,
// header too large, ...) into the shared vocabulary.
func fiberErrorCode(status int) string {
	switch {
	case status == http.StatusNotFound:
		return domain.ENOTFOUND
	case status == http.StatusRequestEntityTooLarge:
		return codeTooLarge
	case status == http.StatusTooManyRequests:
		return domain.ERATELIMITED
	case status == http.StatusServiceUnavailable:
		return domain.EUNAVAILABLE
	case status == http.StatusUnauthorized:
		return domain.EUNAUTHORIZED
	case status == http.StatusForbidden:
		return domain.EFORBIDDEN
	case status >= 400 && status < 500:
		return domain.EINVALID
	default:
		return domain.EINTERNAL
	}
}

// resolveError turns any error a handler returns into (status, body).
func resolveError(err error) (int, ErrorBody) {
	var (
		se *statusError
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &se):
		return se.status, ErrorBody{Error: ErrorDetail{Code: se.err.Code, Message: se.err.Message, Fields: se.err.Fields}}
	case errors.As(err, new(*domain.Error)):
		code, fields := domain.ErrorCode(err), domain.ErrorFields(err)
		return statusOf(code, fields), ErrorBody{Error: ErrorDetail{Code: code, Message: domain.ErrorMessage(err), Fields: fields, Cart: domain.CartOf(err)}}
	case errors.As(err, &fe):
		code := fiberErrorCode(fe.Code)
		status := fe.Code
		if code == domain.EINTERNAL {
			status = http.StatusInternalServerError
		}
		msg := fe.Message
		switch status {
		case http.StatusNotFound:
			msg = "no such route"
		case http.StatusRequestEntityTooLarge:
			msg = "request body is too large"
		case http.StatusInternalServerError:
			msg = "internal error"
		}
		return status, ErrorBody{Error: ErrorDetail{Code: code, Message: msg}}
	default:
		return http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: domain.EINTERNAL, Message: "internal error"}}
	}
}

// handleError is Fiber's ErrorHandler. Errors of the chain reach it from
// observe; an error fasthttp meets while reading a request (a body over
// the hard limit, headers too large, a read timeout) reaches it directly,
// before any handler ran: such an answer is observed here, so it gets the
// edge headers and is logged and counted like any other request.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if requestID(c) != "" {
		if domain.ErrorCode(err) == domain.EUNAVAILABLE {
			s.unavailableAnswer(c, err)
		}
		return errorHandler(c, err)
	}
	return s.observeChain(c, func() error {
		s.setSecurityHeaders(c)
		c.Set(fiber.HeaderCacheControl, cacheNoStore)
		return err
	})
}

// errorHandler turns err into the response: every error of every route ends
// here, becomes the one JSON shape, and only internal ones are logged
// (with the request's logger, so the line carries the request id).
func errorHandler(c *fiber.Ctx, err error) error {
	status, body := resolveError(err)
	if status >= http.StatusInternalServerError && body.Error.Code == domain.EINTERNAL {
		rid := requestID(c)
		loggerOf(c).Error("internal error", "err", err.Error(), "route", routeLabel(c))
		if rid != "" {
			body.Error.Message = fmt.Sprintf("internal error (request id %s)", rid)
		}
	}
	return c.Status(status).JSON(body)
}
