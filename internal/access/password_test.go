package access

import (
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/fault"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("một mật khẩu dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format: %s", h)
	}
	h2, _ := HashPassword("một mật khẩu dài")
	if h == h2 {
		t.Error("two hashes of one password are equal: no per-user salt")
	}
	for pw, want := range map[string]bool{"một mật khẩu dài": true, "một mật khẩu dàI": false, "": false} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("verify %q: %v %v", pw, ok, err)
		}
	}
	if ok, err := VerifyPassword("$argon2id$v=19$m=1,t=1,p=1$!!$!!", "x"); ok || err == nil {
		t.Error("malformed hash accepted")
	}
	if _, err := VerifyPassword(dummyHash, "x"); err != nil {
		t.Errorf("dummy hash unreadable: %v", err)
	}
}

// The minimal cost writes hashes that say so, which any service verifies;
// its dummy hash for unknown e-mails costs what its real ones do.
func TestMinimalPasswordHashing(t *testing.T) {
	h, err := MinimalPasswordHashing.Hash("một mật khẩu dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=8,t=1,p=1$") {
		t.Errorf("hash format: %s", h)
	}
	if ok, err := VerifyPassword(h, "một mật khẩu dài"); !ok || err != nil {
		t.Errorf("verify: %v %v", ok, err)
	}
	if d := MinimalPasswordHashing.dummy(); !strings.HasPrefix(d, "$argon2id$v=19$m=8,t=1,p=1$") {
		t.Errorf("dummy at the minimal cost: %s", d)
	}
	if d := (PasswordHashing{}).dummy(); d != dummyHash {
		t.Errorf("dummy at the production cost: %s", d)
	}
}

func TestPasswordPolicy(t *testing.T) {
	p := NewPasswordPolicy(10)
	for _, tc := range []struct {
		pw, id string
	}{
		{"short1!", "account.password_too_short"},
		{"matkhau2024!", "account.password_common"},
		{"Password123", "account.password_common"},
		{"1234567890", "account.password_common"},
		{"langson123456", "account.password_common"},
		{"xxnguyenvananxx", "account.password_personal"},
		{strings.Repeat("a", 300), "account.password_too_long"},
		{"đèo Mẫu Sơn mùa đông", ""},
	} {
		err := p.Check(tc.pw, "nguyenvanan@sxd.langson.gov.vn", "Nguyễn Văn An")
		got := ""
		if fe, ok := fault.As(err); ok {
			got = fe.MessageID
		}
		if got != tc.id {
			t.Errorf("%q: got %q, want %q", tc.pw, got, tc.id)
		}
	}
}

func TestGeneratedPasswordPassesPolicy(t *testing.T) {
	p := NewPasswordPolicy(10)
	for i := 0; i < 50; i++ {
		pw, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(pw, "a@b.vn", "A"); err != nil {
			t.Fatalf("%s: %v", pw, err)
		}
	}
}

func TestCSRFToken(t *testing.T) {
	s1, _ := NewSecret()
	s2, _ := NewSecret()
	tok := CSRFToken(s1)
	if !CheckCSRF(s1, tok) || CheckCSRF(s2, tok) || CheckCSRF(s1, "") || CheckCSRF("", tok) {
		t.Error("CSRF check wrong")
	}
	if strings.Contains(tok, s1) || HashSecret(s1) == tok {
		t.Error("CSRF token reveals the session")
	}
}
