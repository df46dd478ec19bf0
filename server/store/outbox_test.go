package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

func TestOutboxClaimLeaseRetry(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mail := e.svc.Mail
		wantCode(t, mail.Enqueue(ctx, domain.MailMessage{To: "not an address", Subject: "s", Text: "t"}), domain.EINVALID)
		wantCode(t, mail.Enqueue(ctx, domain.MailMessage{To: "a@example.com", Subject: "", Text: "t"}), domain.EINVALID)
		if n := e.count(t, "mail_outbox"); n != 0 {
			t.Fatalf("refused messages were stored: %d", n)
		}
		for _, to := range []string{"a@example.com", "b@example.com"} {
			if err := mail.Enqueue(ctx, domain.MailMessage{To: to, Subject: "Hello", Text: "Hi " + to, HTML: "<p>Hi</p>"}); err != nil {
				t.Fatal(err)
			}
		}
		now := e.clock.Now()
		got := must[[]domain.OutboxMessage](t)(mail.ClaimMail(ctx, now, 10, time.Minute))
		if len(got) != 2 || got[0].To != "a@example.com" || got[0].Attempts != 1 || got[0].HTML != "<p>Hi</p>" {
			t.Fatalf("claimed %+v", got)
		}
		// Leased: nobody else gets them until the lease runs out.
		if again := must[[]domain.OutboxMessage](t)(mail.ClaimMail(ctx, now.Add(30*time.Second), 10, time.Minute)); len(again) != 0 {
			t.Fatalf("claimed leased messages again: %+v", again)
		}
		if err := mail.MarkMailSent(ctx, got[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if err := mail.MarkMailFailed(ctx, got[1].ID, now, now.Add(5*time.Minute), "451 try later", false); err != nil {
			t.Fatal(err)
		}
		if early := must[[]domain.OutboxMessage](t)(mail.ClaimMail(ctx, now.Add(4*time.Minute), 10, time.Minute)); len(early) != 0 {
			t.Fatalf("claimed before the backoff ended: %+v", early)
		}
		retry := must[[]domain.OutboxMessage](t)(mail.ClaimMail(ctx, now.Add(5*time.Minute), 10, time.Minute))
		if len(retry) != 1 || retry[0].ID != got[1].ID || retry[0].Attempts != 2 {
			t.Fatalf("retry claimed %+v", retry)
		}
		if err := mail.MarkMailFailed(ctx, retry[0].ID, now, now.Add(5*time.Minute), "550 no such user", true); err != nil {
			t.Fatal(err)
		}
		if after := must[[]domain.OutboxMessage](t)(mail.ClaimMail(ctx, now.Add(time.Hour), 10, time.Minute)); len(after) != 0 {
			t.Fatalf("claimed sent or abandoned messages: %+v", after)
		}
		var lastError string
		if err := e.db.NewSelect().TableExpr("mail_outbox").Column("last_error").Where("id = ?", retry[0].ID).Scan(ctx, &lastError); err != nil {
			t.Fatal(err)
		}
		if lastError != "550 no such user" {
			t.Fatalf("last_error = %q", lastError)
		}
	})
}

// Concurrent workers never claim the same message twice.
func TestOutboxConcurrentClaims(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const n = 40
		for i := 0; i < n; i++ {
			if err := e.svc.Mail.Enqueue(ctx, domain.MailMessage{To: "a@example.com", Subject: "Hello", Text: "Hi"}); err != nil {
				t.Fatal(err)
			}
		}
		now := e.clock.Now().Add(time.Second)
		var (
			mu   sync.Mutex
			seen = map[int64]int{}
			wg   sync.WaitGroup
		)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := e.svc.Mail.ClaimMail(ctx, now, 3, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d distinct messages, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("message %d claimed %d times", id, c)
			}
		}
	})
}
